//! Reads the catalog file (`data/catalog.tsv`, format described in `scripts/gen_catalog.py`)
//! into a [`Catalog`].
//!
//! Loading is in two stages so that a run which touches a few services (a pre-commit hook
//! linting one file) pays for those only:
//! 1. [`parse`] reads the header (`V`, `G`), every service line (`S`) and the condition keys
//!    (`K`, which the generator writes first in each service), and keeps the rest of each
//!    service's text as its body. It finds services by searching for `\nS\t`, without
//!    splitting the bodies into lines.
//! 2. [`parse_body`] reads a service's resource types (`R`) and actions (`A`) on first use.
//!
//! Every string in the result borrows from the `'static` text, so parsing allocates only the
//! vectors. Records are re-sorted after reading (a no-op on the generated file, which is
//! already sorted) so that the binary searches of the lookups stay correct even for a file
//! edited by hand.

use std::sync::OnceLock;

use crate::index::NameIndex;
use crate::matching::{cmp_ci, is_template, tail_excludes};
use crate::{
    AccessLevel, Action, ActionResource, Catalog, CatalogError, ConditionKey, ConditionType, ResourceType, Service,
};

/// The resource types and actions of one service, parsed on first use.
#[derive(Debug, Clone, Default)]
pub(crate) struct ServiceBody {
    pub(crate) actions: Vec<Action>,
    /// `actions` by name.
    pub(crate) action_index: NameIndex,
    pub(crate) resource_types: Vec<ResourceType>,
}

fn malformed(record: &str, reason: &'static str) -> CatalogError {
    CatalogError::Malformed {
        record: record.chars().take(80).collect(),
        reason,
    }
}

/// The tab-separated fields of one record, each missing field an error naming the record.
struct Fields {
    line: &'static str,
    rest: std::str::Split<'static, char>,
}

impl Fields {
    fn new(line: &'static str) -> (&'static str, Fields) {
        let mut rest = line.split('\t');
        let kind = rest.next().unwrap_or_default();
        (kind, Fields { line, rest })
    }

    fn next(&mut self, what: &'static str) -> Result<&'static str, CatalogError> {
        self.rest.next().ok_or_else(|| malformed(self.line, what))
    }
}

/// Parses catalog text: the header, the services and their condition keys. Unknown record
/// kinds are skipped (so the format can grow); malformed known records are errors.
pub(crate) fn parse(text: &'static str) -> Result<Catalog, CatalogError> {
    let mut source: Option<(&'static str, &'static str, &'static str)> = None;
    let mut global_keys = Vec::new();
    let mut services: Vec<Service> = Vec::new();

    let first_service = find_service(text, 0).unwrap_or(text.len());
    let (head, mut rest) = text.split_at_checked(first_service).unwrap_or((text, ""));
    for line in head.lines() {
        let (kind, mut fields) = Fields::new(line);
        match kind {
            "V" => {
                source = Some((fields.next("source")?, fields.next("version")?, fields.next("date")?));
            }
            "G" => {
                let name = fields.next("key name")?;
                let ty = ConditionType::parse(fields.next("key type")?);
                let flags = fields.next("key flags")?;
                global_keys.push(ConditionKey {
                    name,
                    ty,
                    multivalued: flags.contains('m') || ty.is_multivalued(),
                    deprecated: flags.contains('d'),
                });
            }
            "K" | "R" | "A" => return Err(malformed(line, "record before the first service")),
            _ => {}
        }
    }

    while !rest.is_empty() {
        let end = find_service(rest, 1).unwrap_or(rest.len());
        let (service, after) = rest.split_at_checked(end).unwrap_or((rest, ""));
        services.push(parse_service(service)?);
        rest = after;
    }

    let (source, source_version, updated_at) =
        source.ok_or_else(|| malformed(text, "no `V` record before the first service"))?;
    Ok(finish(source, source_version, updated_at, global_keys, services))
}

/// The offset of the first service record (`S` line) at or after `from`, where `from` is 0
/// or just past the start of a line.
fn find_service(text: &str, from: usize) -> Option<usize> {
    if from == 0 && text.starts_with("S\t") {
        return Some(0);
    }
    text.get(from..)?.find("\nS\t").map(|i| from + i + 1)
}

/// One service: its `S` line, its leading `K` lines, and the rest kept as the body.
fn parse_service(text: &'static str) -> Result<Service, CatalogError> {
    let (header, mut rest) = text.split_once('\n').unwrap_or((text, ""));
    let (_, mut fields) = Fields::new(header);
    let prefix = fields.next("service prefix")?;
    let name = fields.next("service name")?;
    let mut condition_keys = Vec::new();
    while let Some(record) = rest.strip_prefix("K\t") {
        let (line, after) = record.split_once('\n').unwrap_or((record, ""));
        let (key, ty) = line
            .split_once('\t')
            .ok_or_else(|| malformed(line, "condition key without a type"))?;
        let ty = ConditionType::parse(ty);
        condition_keys.push(ConditionKey {
            name: key,
            ty,
            multivalued: ty.is_multivalued(),
            deprecated: false,
        });
        rest = after;
    }
    condition_keys.sort_by(|a, b| cmp_ci(a.name, b.name));
    Ok(Service {
        prefix,
        name,
        condition_keys,
        body: rest,
        parsed: OnceLock::new(),
    })
}

/// Parses a service body (its `R` and `A` records). Malformed records are skipped; the first
/// problem is returned beside the result so that [`Catalog::verify`] can report it.
pub(crate) fn parse_body(body: &'static str) -> (ServiceBody, Option<CatalogError>) {
    let mut out = ServiceBody::default();
    let mut problem = None;
    for line in body.lines() {
        if let Err(error) = parse_body_record(line, &mut out) {
            problem.get_or_insert(error);
        }
    }
    out.actions.sort_by(|a, b| cmp_ci(a.name, b.name));
    out.action_index = NameIndex::new(&out.actions, |a| a.name);
    out.resource_types.sort_by(|a, b| cmp_ci(a.name, b.name));
    let patterns: Vec<&'static str> = out
        .resource_types
        .iter()
        .flat_map(|r| r.arn_patterns.iter().copied())
        .collect();
    for resource_type in &mut out.resource_types {
        resource_type.tail_excludes = resource_type
            .arn_patterns
            .iter()
            .map(|p| tail_excludes(p, &patterns))
            .collect();
    }
    (out, problem)
}

fn parse_body_record(line: &'static str, out: &mut ServiceBody) -> Result<(), CatalogError> {
    let (kind, mut fields) = Fields::new(line);
    match kind {
        "R" => out.resource_types.push(ResourceType {
            name: fields.next("resource type name")?,
            arn_patterns: split_list(fields.next("ARN patterns")?, '|'),
            condition_keys: split_list(fields.next("condition keys")?, ','),
            tail_excludes: Vec::new(),
        }),
        "A" => {
            let name = fields.next("action name")?;
            let access_level = AccessLevel::from_code(fields.next("access level")?)
                .ok_or_else(|| malformed(line, "unknown access level"))?;
            let resources = fields.next("resources")?;
            let resources = if resources.is_empty() {
                Vec::new()
            } else {
                resources.split(',').map(parse_action_resource).collect()
            };
            out.actions.push(Action {
                name,
                access_level,
                resources,
                condition_keys: split_list(fields.next("condition keys")?, ','),
                dependent_actions: split_list(fields.next("dependent actions")?, ','),
            });
        }
        "K" => return Err(malformed(line, "condition key after the service's other records")),
        // Blank lines, comments and record kinds a later format may add.
        _ => {}
    }
    Ok(())
}

fn split_list(field: &'static str, separator: char) -> Vec<&'static str> {
    if field.is_empty() {
        Vec::new()
    } else {
        field.split(separator).collect()
    }
}

/// `name`, `name*` (required) and either followed by `=key|key`.
fn parse_action_resource(item: &'static str) -> ActionResource {
    let (name, keys) = item.split_once('=').unwrap_or((item, ""));
    let (resource_type, required) = match name.strip_suffix('*') {
        Some(stripped) => (stripped, true),
        None => (name, false),
    };
    ActionResource {
        resource_type,
        required,
        condition_keys: split_list(keys, '|'),
    }
}

/// Sorts what the lookups binary-search and builds the condition-key index.
fn finish(
    source: &'static str,
    source_version: &'static str,
    updated_at: &'static str,
    mut global_keys: Vec<ConditionKey>,
    mut services: Vec<Service>,
) -> Catalog {
    services.sort_by(|a, b| cmp_ci(a.prefix, b.prefix));
    global_keys.sort_by(|a, b| cmp_ci(a.name, b.name));
    let global_templates = (global_keys.iter().enumerate())
        .filter(|(_, k)| is_template(k.name))
        .map(|(i, _)| i)
        .collect();

    // Every service key, by name; when two services list the same key (q and identitystore
    // both list identitystore:UserId), the service whose prefix the key carries wins.
    let mut key_index: Vec<KeyRef> = Vec::new();
    for (s, service) in services.iter().enumerate() {
        for (k, key) in service.condition_keys.iter().enumerate() {
            let owned = key
                .name
                .split_once(':')
                .is_some_and(|(prefix, _)| prefix.eq_ignore_ascii_case(service.prefix));
            key_index.push(KeyRef {
                name: key.name,
                owned,
                service: s,
                key: k,
            });
        }
    }
    key_index.sort_by(|a, b| cmp_ci(a.name, b.name).then_with(|| b.owned.cmp(&a.owned)));
    key_index.dedup_by(|later, earlier| later.name.eq_ignore_ascii_case(earlier.name));
    let key_templates = key_index.iter().copied().filter(|r| is_template(r.name)).collect();

    let date = updated_at.get(..10).unwrap_or(updated_at);
    let service_index = NameIndex::new(&services, |s| s.prefix);
    Catalog {
        version: format!("{source} {source_version} ({date})"),
        source,
        source_version,
        updated_at,
        services,
        service_index,
        global_keys,
        global_templates,
        key_index,
        key_templates,
    }
}

/// A service condition key in the catalog-wide index: `services[service].condition_keys[key]`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct KeyRef {
    pub(crate) name: &'static str,
    /// Whether the key carries the prefix of the service that lists it.
    owned: bool,
    pub(crate) service: usize,
    pub(crate) key: usize,
}
