from dwagent.tools.retrieve.tokens import fts_or_query, query_terms, split_identifier, split_text


def test_split_identifier_handles_camel_snake_acronyms_and_digits():
    assert split_identifier("GetUserName") == ["get", "user", "name"]
    assert split_identifier("get_user_name") == ["get", "user", "name"]
    assert split_identifier("HTTPServer2") == ["http", "server", "2"]
    assert split_identifier("parseXMLDoc") == ["parse", "xml", "doc"]


def test_query_terms_keep_identifier_then_parts_and_drop_question_words():
    assert query_terms("where is GetUserName called?") == ["getusername", "get", "user", "name", "called"]


def test_split_text_lets_words_meet_identifiers():
    assert "user" in split_text("class UserRepository").split()


def test_fts_query_quotes_hostile_input():
    # FTS syntax in the query must be data, not operators.
    assert fts_or_query(['a"b', "near"]) == '"a""b" OR "near"'


def test_identifiers_as_words_spells_names_as_cards_do():
    from dwagent.tools.retrieve.tokens import identifiers_as_words

    assert identifiers_as_words("where is IConsensusEngine used?") == "where is i consensus engine used?"
    assert identifiers_as_words("load_config from disk") == "load config from disk"
