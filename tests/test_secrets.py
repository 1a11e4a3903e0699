"""Masking: no secret is printed whole."""

from __future__ import annotations

from assume_lint.files.secrets import mask, mask_text


def test_mask_keeps_the_ends_only() -> None:
    assert mask("AKIAIOSFODNN7EXAMPLE") == "AKIA************MPLE"
    assert mask("short") == "*****"


def test_mask_text_finds_keys_secrets_and_tokens() -> None:
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    token = "FwoGZXIvYXdzE" + "A1b2C3d4" * 20
    text = f"key AKIAQYLPMN5HHHFPZAM2 secret {secret} token {token}"
    masked = mask_text(text)
    assert "AKIAQYLPMN5HHHFPZAM2" not in masked and "AKIA************ZAM2" in masked
    assert secret not in masked and "wJal" in masked
    assert token not in masked


def test_mask_text_leaves_arns_and_words() -> None:
    text = "arn:aws:iam::123456789012:role/some-very-long-role-name-for-testing-purposes"
    assert mask_text(text) == text
    word = "a" * 40
    assert mask_text(word) == word


def test_extra_values_are_masked_whatever_their_shape() -> None:
    assert mask_text("secret_key = 123XXXX", ("123XXXX",)) == "secret_key = *******"
    assert mask_text("token = my-session-token-value", ("my-session-token-value",)) == (
        "token = my-s**************alue")


def test_the_known_secrets_pattern_prefers_the_longest_secret() -> None:
    import random
    import re

    from assume_lint.files.secrets import _trie

    rng = random.Random(3)
    for _ in range(300):
        words = sorted({"".join(rng.choice("ab/+.*?(") for _ in range(rng.randint(4, 9)))
                        for _ in range(rng.randint(1, 12))})
        trie = re.compile(_trie(words))
        plain = re.compile("|".join(re.escape(w) for w in sorted(words, key=lambda w: -len(w))))
        for _ in range(30):
            text = "".join(rng.choice("ab/+.*?( x") for _ in range(40))
            assert trie.findall(text) == plain.findall(text), (words, text)


def test_a_megabyte_long_known_secret_is_masked_quickly() -> None:
    from budgets import cpu_within

    from assume_lint.files.secrets import mask_text

    huge = "Qx" * 500_000
    with cpu_within(what="masking a megabyte-long secret"):
        out = mask_text(f"token {huge} end", (huge, "abcd12345"))
    assert huge not in out and out.startswith("token Qx") and out.endswith(" end")


def test_http_credentials_are_masked() -> None:
    """``Authorization: Bearer`` and ``Basic`` headers in a script or workflow step: the
    header's name says nothing a keyed-secret name would, and a letters-only token has
    no shape."""
    token = "readonlydeploytokenforthemirror"  # letters only: no shape recognises it
    shown = "read***********************rror"
    basic = "ZGVwbG95OmNvcnJlY3Rob3JzZQ=="  # deploy:correcthorse
    for text, masked in [
        (f'curl -H "Authorization: Bearer {token}" https://api.example.com',
         f'curl -H "Authorization: Bearer {shown}" https://api.example.com'),
        (f"  headers: {{Authorization: 'bearer {token}'}}",
         f"  headers: {{Authorization: 'bearer {shown}'}}"),
        (f"Authorization: Basic {basic}", "Authorization: Basic ZGVw********************ZQ=="),
        (f'"authorization": "Basic {basic}"',
         '"authorization": "Basic ZGVw********************ZQ=="'),
    ]:
        assert mask_text(text) == masked
        assert mask_text(masked) == masked  # idempotent
    for kept in ("the bearer of this note", "Bearer ${{ secrets.API_TOKEN }}",
                 'Authorization: Bearer $TOKEN', "a basic setup", "Bearer short",
                 "Authorization: Basic ${BASIC_AUTH}"):
        assert mask_text(kept) == kept


def test_http_credential_scan_is_bounded() -> None:
    from budgets import cpu_within

    for text in ("bearer " * 200_000, "Bearer " + "a" * 1_000_000, "authorization:basic " * 60_000):
        with cpu_within(what="HTTP credentials in hostile text"):
            assert len(mask_text(text)) == len(text)


def test_url_passwords_are_masked_whatever_the_url_is_called() -> None:
    """Issue 19, attack 3: ``https://user:SECRET@host`` (a clone URL with a token, a
    DATABASE_URL) printed the password whole; the name it is assigned to says nothing."""
    password = "correcthorsebatterystaple"  # letters only: no shape recognises it
    shown = "corr*****************aple"
    for url, masked in [
        (f"https://deploy:{password}@git.example.com/o/r.git",
         f"https://deploy:{shown}@git.example.com/o/r.git"),
        (f"DATABASE_URL=postgres://app:{password}@db.internal:5432/app",
         f"DATABASE_URL=postgres://app:{shown}@db.internal:5432/app"),
        (f'  # mirror "https://ci:{password}@registry.example.com/v2"',
         f'  # mirror "https://ci:{shown}@registry.example.com/v2"'),
        ("see http://a:pw@host and", "see http://a:**@host and"),
    ]:
        assert mask_text(url) == masked
        assert mask_text(masked) == masked  # idempotent
    for kept in ("https://host:8443/a@b", "ssh://git@github.com/o/r.git",
                 "https://u:${var.password}@h/x", "https://example.com:443/x",
                 "s3://bucket/key@x", "arn:aws:s3:::bucket/a:b@c"):
        assert mask_text(kept) == kept
