"""Tree-sitter helpers shared by the rules and the data-flow core (below both in the layers)."""
