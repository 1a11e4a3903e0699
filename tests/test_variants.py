"""Deployment variants: one finding per problem, plain when it holds in every variant."""

from __future__ import annotations

from assume_lint.engine.pipeline import merge_variants
from assume_lint.model.findings import Hit, Location, Variant

LOC = Location("template.yaml", 12, 9)
OTHER = Location("template.yaml", 14, 9)
TRUE = Variant("template.yaml", "when CreateProvider is true")
FALSE = Variant("template.yaml", "when CreateProvider is false")
EVERY = {"template.yaml": (TRUE.phrase, FALSE.phrase)}


def test_a_hit_in_every_variant_is_reported_once_plainly() -> None:
    hits = [Hit(LOC, "Role r trusts any repository", "k", variant=v) for v in (TRUE, FALSE)]
    assert merge_variants(hits, EVERY) == [Hit(LOC, "Role r trusts any repository", "k")]


def test_a_hit_in_some_variants_names_them() -> None:
    hits = [Hit(OTHER, "Role r trusts any repository", "k", variant=FALSE)]
    (merged,) = merge_variants(hits, EVERY)
    assert merged.message == "Role r trusts any repository (when CreateProvider is false)"
    assert merged.location == OTHER


def test_hits_differing_in_anything_but_the_phrase_stay_apart() -> None:
    hits = [Hit(LOC, "a", "k", variant=TRUE), Hit(OTHER, "a", "k", variant=FALSE)]
    merged = merge_variants(hits, EVERY)
    assert [h.message for h in merged] == [
        "a (when CreateProvider is true)", "a (when CreateProvider is false)"]


def test_three_variants_two_held_in_declared_order() -> None:
    every = {"m": ("with -var-file=dev.tfvars", "with -var-file=prod.tfvars",
                   "with -var-file=stage.tfvars")}
    hits = [Hit(LOC, "x", variant=Variant("m", p)) for p in (every["m"][2], every["m"][0])]
    (merged,) = merge_variants(hits, every)
    assert merged.message == "x (with -var-file=dev.tfvars or with -var-file=stage.tfvars)"


def test_hits_without_a_variant_pass_unchanged_and_in_order() -> None:
    plain = [Hit(LOC, "one"), Hit(LOC, "one"), Hit(OTHER, "two")]
    assert merge_variants(plain, EVERY) == plain


def test_witnesses_decide_what_depends_on_an_assumption() -> None:
    """A template evaluated with its default parameters (each way of an Fn::If) and, as a
    witness, with its parameters unknown: a problem the witness sees too does not depend
    on the defaults; one only the witness sees is not reported."""
    lead = "with the template's default parameters"
    every = {"t": ("when A is true", "when A is false")}

    def d(clause: str) -> Variant:
        return Variant("t", f"{lead} {clause}", plain_phrase=clause)

    def w(clause: str) -> Variant:
        return Variant("t", clause, witness=True)

    true, false = every["t"]
    merged = merge_variants([Hit(LOC, "x", variant=v) for v in (d(true), d(false))], every)
    assert [h.message for h in merged] == [f"x ({lead})"]
    merged = merge_variants([Hit(LOC, "x", variant=d(false))], every)
    assert [h.message for h in merged] == [f"x ({lead} when A is false)"]
    everywhere = [Hit(LOC, "x", variant=v) for v in (d(true), d(false), w(true), w(false))]
    assert merge_variants(everywhere, every) == [Hit(LOC, "x")]
    one_way = [Hit(LOC, "x", variant=v) for v in (d(false), w(false))]
    assert [h.message for h in merge_variants(one_way, every)] == ["x (when A is false)"]
    assert merge_variants([Hit(LOC, "x", variant=w(true))], every) == []


def test_defaults_alone_without_conditions() -> None:
    every = {"t": ("",)}
    lead = "with the template's default parameters"
    default = Variant("t", lead, plain_phrase="")
    witness = Variant("t", "", witness=True)
    assert merge_variants([Hit(LOC, "x", variant=default)], every)[0].message == f"x ({lead})"
    both = [Hit(LOC, "x", variant=default), Hit(LOC, "x", variant=witness)]
    assert merge_variants(both, every) == [Hit(LOC, "x")]


def test_messages_naming_what_differs_by_variant_are_one_problem() -> None:
    """A role named ``partner-${var.environment}``: the same problem at the same place
    reads differently in each variant; it is still one, reported with the first text."""
    every = {"m": ("with -var-file=dev.tfvars", "with -var-file=prod.tfvars")}
    hits = [Hit(LOC, f"Role partner-{env} trusts anyone", "aws_iam_role.p/#0",
                variant=Variant("m", f"with -var-file={env}.tfvars")) for env in ("dev", "prod")]
    assert merge_variants(hits, every) == [Hit(LOC, "Role partner-dev trusts anyone",
                                               "aws_iam_role.p/#0")]
