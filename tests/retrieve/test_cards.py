import sqlite3

from conftest import FakeFile, FakeSymbol, write_index

from dwagent.tools.retrieve.cards import CARDS_VERSION, CardStore


def _store(tmp_path, symbols):
    conn = write_index(tmp_path / "index.sqlite", tmp_path / "src", [FakeFile("a/Vault.cs", "x\n" * 40, symbols=symbols)])
    return CardStore(conn, tmp_path / "retrieve" / "cards.sqlite")


def test_embed_text_spends_tokens_on_meaning(tmp_path):
    vault = "Acme.Vault.Secrets.KeyVaultClient"
    store = _store(
        tmp_path,
        [
            FakeSymbol(
                "class",
                vault,
                1,
                30,
                container="Acme.Vault.Secrets",
                bases=("Acme.Core.ClientBase<Key>",),
                doc="Reads keys from the vault. Caches them for a minute.",
            ),
            FakeSymbol("field", f"{vault}._cache", 2, 2, container=vault, signature="private Dictionary<string, Key> _cache"),
            FakeSymbol("constructor", f"{vault}.KeyVaultClient", 3, 5, container=vault, signature="public KeyVaultClient()"),
            FakeSymbol("property", f"{vault}.VaultUri", 6, 6, container=vault, signature="public Uri VaultUri"),
            FakeSymbol("method", f"{vault}.RotateKeyAsync", 7, 20, container=vault, signature="public Task RotateKeyAsync(string id)"),
        ],
    )
    store.refresh()
    (card,) = store.dense_cards()
    lines = card.embed_text.split("\n")
    # name and bases as words, generic arguments and namespaces of bases dropped
    assert lines[0] == "class key vault client : client base"
    assert lines[1] == "Reads keys from the vault."  # the first doc sentence only
    # behaviour first, then state; the constructor only repeats the type's name
    assert lines[2] == "members: rotate key async, vault uri, cache"
    # namespace words the card already said ("vault") are not repeated
    assert lines[3] == "in acme secrets"
    # the lexical card keeps full signatures; the vector's hash follows the embedded text
    assert "RotateKeyAsync(string id)" in card.text
    import hashlib

    assert card.hash == hashlib.sha1(card.embed_text.encode()).hexdigest()[:16]


def test_a_card_store_of_another_format_is_rebuilt(tmp_path):
    side = tmp_path / "retrieve" / "cards.sqlite"
    side.parent.mkdir(parents=True)
    old = sqlite3.connect(str(side))
    old.executescript(
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('version', 'old');"
        "CREATE TABLE card_files (path TEXT PRIMARY KEY, hash TEXT NOT NULL); INSERT INTO card_files VALUES ('a/Vault.cs', 'h');"
        "CREATE TABLE cards (id INTEGER PRIMARY KEY, key TEXT, text TEXT);"
    )
    old.commit()
    old.close()
    store = _store(tmp_path, [FakeSymbol("class", "Acme.Vault", 1, 3, doc="Keeps secrets.")])
    assert store.refresh() == (1, 0)  # the stale file record went with the old tables
    assert [c.embed_text for c in store.dense_cards()] == ["class vault\nKeeps secrets.\nin acme"]
    assert store.conn.execute("SELECT value FROM meta WHERE key='version'").fetchone()[0] == CARDS_VERSION


def test_plain_data_types_are_searched_lexically_only(tmp_path):
    dto, enum, svc = "Acme.OrderLine", "Acme.OrderState", "Acme.OrderService"
    store = _store(
        tmp_path,
        [
            FakeSymbol("class", dto, 1, 5, container="Acme"),
            FakeSymbol("property", f"{dto}.Sku", 2, 2, container=dto, signature="public string Sku"),
            FakeSymbol("enum", enum, 6, 9, container="Acme"),
            FakeSymbol("field", f"{enum}.Shipped", 7, 7, container=enum),
            FakeSymbol("class", svc, 10, 20, container="Acme"),
            FakeSymbol("method", f"{svc}.Ship", 11, 19, container=svc, signature="public void Ship()"),
            FakeSymbol("class", "Acme.Documented", 21, 23, container="Acme", doc="Totals of one shipment."),
        ],
    )
    store.refresh()
    # a doc-less class with no behaviour is only names: lexical cards match those already
    assert sorted(c.symbol for c in store.dense_cards()) == sorted(["Acme.Documented", enum, svc])
    assert store.conn.execute("SELECT COUNT(*) FROM cards WHERE symbol = ?", (dto,)).fetchone()[0] == 1
