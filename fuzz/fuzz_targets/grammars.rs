//! IAM's mini-grammars (ARNs, actions, operators, CIDRs, dates, ids, policy variables) on arbitrary
//! strings: nothing may panic, and diagnostics stay inside the value's span.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tenet_diagnostics::{Diagnostic, Span};
use tenet_syntax::grammar::{action, arn, cidr, date, ids, operator, variable};

fn inside(span: Span, ds: &[Diagnostic]) {
    for d in ds {
        assert!(span.start <= d.span.start && d.span.end <= span.end, "{d:?} outside {span:?}");
    }
}

fuzz_target!(|s: &str| {
    // The value as it would sit in a file: quoted, at some offset.
    let span = Span::new(7, 7 + s.len() + 2);
    inside(span, &arn::parse_resource(s, span).1);
    inside(span, &arn::parse_arn(s, span).1);
    inside(span, &action::parse_action(s, span).1);
    inside(span, &operator::parse_operator(s, span).1);
    inside(span, &cidr::parse_cidr(s, span).1);
    inside(span, &date::parse_date(s, span).1);
    inside(span, &ids::parse_vpc_id(s, span).1);
    inside(span, &ids::parse_vpce_id(s, span).1);
    inside(span, &ids::parse_account_id(s, span).1);
    for enabled in [false, true] {
        inside(span, &variable::parse_template(s, span, enabled).1);
    }
});
