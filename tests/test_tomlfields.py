import pytest

from vetmri.errors import UserInputError
from vetmri.tomlfields import TomlTable, read_toml_file


def table(text: str) -> TomlTable:
    return TomlTable.from_text(text, source="test file t.toml", hint="fix it")


def test_typed_values_are_returned():
    t = table('a = 1.5\nb = 3\nc = "x"\nd = true\ne = [1, 2]\nf = ["p", "q"]\n[g]\nh = 2')
    assert t.number("a") == 1.5
    assert t.integer("b") == 3
    assert t.string("c") == "x"
    assert t.boolean("d") is True
    assert t.number_list("e", length=2) == (1.0, 2.0)
    assert t.string_list("f") == ("p", "q")
    assert t.table("g").integer("h") == 2
    t.reject_unknown_keys()


def test_a_message_names_the_file_the_full_key_and_the_fix():
    t = table("[pacs.main]\nport = 70000")
    node = t.named_tables("pacs")["main"]
    with pytest.raises(UserInputError) as info:
        node.integer("port", minimum=1, maximum=65535)
    message = str(info.value)
    assert "t.toml" in message and "'pacs.main.port'" in message
    assert "from 1 to 65535" in message and "70000" in message and message.endswith("fix it.")


@pytest.mark.parametrize(
    ("text", "read", "fragment"),
    [
        ("x = 'a'", lambda t: t.number("x"), "must be a number"),
        ("x = true", lambda t: t.integer("x"), "must be a whole number"),
        ("x = 1.5", lambda t: t.integer("x"), "must be a whole number"),
        ("x = nan", lambda t: t.number("x"), "finite"),
        ("x = 0", lambda t: t.number("x", minimum=0, exclusive_minimum=True), "above 0"),
        ("x = 3", lambda t: t.string("x"), "text in quotes"),
        ("x = ''", lambda t: t.string("x"), "must not be empty"),
        ("x = 'b'", lambda t: t.string("x", choices=("a", "c")), "one of a, c"),
        ("x = [1]", lambda t: t.number_list("x", length=2), "hold 2 numbers"),
        ("y = 1", lambda t: t.number("x"), "is missing"),
        ("x = 1", lambda t: t.table("x"), "must be a table"),
        ("x = 1", lambda t: t.table_array("x"), "array of tables"),
    ],
)
def test_wrong_values_are_refused_with_a_reason(text, read, fragment):
    with pytest.raises(UserInputError, match=fragment):
        read(table(text))


def test_an_unread_key_is_reported_as_unknown_with_the_known_ones():
    t = table("scanner = 1\nscaner = 2")
    t.integer("scanner")
    with pytest.raises(UserInputError, match=r"'scaner' is not a known key \(known keys here: scanner\)"):
        t.reject_unknown_keys()


def test_a_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("a = 1\nb = = 2\nc = 3\n")
    with pytest.raises(UserInputError, match=r"bad.toml is not valid TOML.*line 2"):
        read_toml_file(path, what="test file")


def test_missing_unreadable_and_binary_files_are_explained(tmp_path):
    with pytest.raises(UserInputError, match="does not exist"):
        read_toml_file(tmp_path / "nope.toml", what="test file")
    with pytest.raises(UserInputError, match="is a folder"):
        read_toml_file(tmp_path, what="test file")
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"a = 1\n\xff\xfe")
    with pytest.raises(UserInputError, match="not UTF-8"):
        read_toml_file(binary, what="test file")
