//! Which crate a function's bytes belong to, from its demangled name.
//!
//! Rules, in order (documented in docs/inspect.md):
//! 1. A name that does not demangle as Rust (C, assembly, linker stubs) goes
//!    to `[non-Rust]`.
//! 2. Drop glue, `core::ptr::drop_in_place::<T>`, belongs to the crate of `T`:
//!    it is `T`'s destructor, instantiated wherever it is needed.
//! 3. A trait method `<T as Trait>::f` belongs to the crate of the
//!    implementing type `T` (behind any `&`, `&mut`, `*const`, `*mut`); when
//!    `T` is not a path (a primitive, slice, array, tuple, `dyn`, fn pointer),
//!    to the crate of the trait.
//! 4. An inherent method `<T>::f` (v0) belongs to the crate of `T`.
//! 5. Anything else — functions, generic instantiations `a::f::<b::T>`,
//!    closures `a::f::{closure#0}` — belongs to the first path segment: the
//!    crate whose code was instantiated, not the crate of its type arguments.
//!
//! std, core, alloc and the other crates of the standard library are grouped
//! as `std` unless `split_std` is set. So are std's own dependencies (gimli,
//! addr2line, memchr, hashbrown, …: see [`Attributor`]), shown with
//! `split_std` as `memchr (std)`, apart from a `memchr` of the user's own.

use std::collections::BTreeSet;

use super::crates::{NON_RUST, STD_CRATES, crate_of_unit};
use super::stdlib::StdLib;

/// Attributes code to crates: the naming rules of this module, plus what the
/// standard library's own build is made of. std ships precompiled, its
/// dependencies included; a function of one of those crates is std's when
/// its symbol is one std's rlibs define (the symbol's hash, or its v0 crate
/// disambiguator, differs from a build of the same crate in the user's
/// graph), or when the user's build does not compile that crate at all
/// (then it is std's code instantiated in the user's crates).
#[derive(Debug, Clone, Default)]
pub struct Attributor {
    /// Show std's crates under their own names.
    pub split_std: bool,
    /// The toolchain's std: its crates and symbols (empty when unknown).
    pub stdlib: StdLib,
    /// The crates the user's build compiles (`None` when unknown, e.g. for
    /// `--file`: then only the symbol decides).
    pub user_crates: Option<BTreeSet<String>>,
}

impl Attributor {
    /// Just the naming rules, std's own dependencies unknown (the tests').
    #[cfg(test)]
    pub fn plain(split_std: bool) -> Attributor {
        Attributor {
            split_std,
            ..Attributor::default()
        }
    }

    /// How a crate of std's build is shown.
    fn std_name(&self, raw: &str) -> String {
        match (self.split_std, STD_CRATES.contains(&raw)) {
            (false, _) => "std".to_string(),
            (true, true) => raw.to_string(),
            (true, false) => format!("{raw} (std)"),
        }
    }

    /// True when `raw` is one of std's dependencies and this code is std's.
    fn is_std_dependency(&self, raw: &str, mangled: &str) -> bool {
        self.stdlib.crates.contains(raw)
            && (self.stdlib.symbols.contains(mangled)
                || self.user_crates.as_ref().is_some_and(|u| !u.contains(raw)))
    }

    /// The demangled name (without hash) and crate of a symbol, mangled and
    /// without its clone suffix.
    pub fn symbol(&self, mangled: &str) -> (String, String) {
        let (name, raw) = crate_of_symbol(mangled, true);
        let krate = if STD_CRATES.contains(&raw.as_str()) || self.is_std_dependency(&raw, mangled) {
            self.std_name(&raw)
        } else {
            raw
        };
        (name, krate)
    }

    /// The crate of a DWARF compile unit named by rustc: std's own crates,
    /// and anything compiled from the toolchain's sources (`/rustc/…`) or
    /// std's vendored dependencies (`/rust/deps/…`), are std's.
    pub fn unit(&self, name: &str) -> String {
        let raw = crate_of_unit(name, true);
        let built_with_std = name.starts_with("/rustc/") || name.starts_with("/rust/deps/");
        if raw != NON_RUST && (STD_CRATES.contains(&raw.as_str()) || built_with_std) {
            self.std_name(&raw)
        } else {
            raw
        }
    }
}

/// The demangled name without hash (`{:#}`), or `None` when not a Rust symbol.
pub fn demangle(mangled: &str) -> Option<String> {
    rustc_demangle::try_demangle(mangled)
        .ok()
        .map(|d| format!("{d:#}"))
}

/// The crate of a demangled Rust path, by the rules above.
pub fn crate_of(demangled: &str, split_std: bool) -> String {
    let krate = raw_crate(demangled).unwrap_or(NON_RUST);
    if !split_std && STD_CRATES.contains(&krate) {
        "std".to_string()
    } else {
        krate.to_string()
    }
}

/// The crate of a symbol name as found in the binary (mangled or not).
pub fn crate_of_symbol(mangled: &str, split_std: bool) -> (String, String) {
    match demangle(mangled) {
        Some(name) => {
            let krate = crate_of(&name, split_std);
            (name, krate)
        }
        None => (mangled.to_string(), NON_RUST.to_string()),
    }
}

fn raw_crate(name: &str) -> Option<&str> {
    let name = name.trim();
    if let Some(inner) = name.strip_prefix('<') {
        // `<T as Trait>::f` or `<T>::f`
        let close = matching_close(inner)?;
        let qualified = &inner[..close];
        let (self_ty, trait_path) = match split_top_level(qualified, " as ") {
            Some((t, tr)) => (t, Some(tr)),
            None => (qualified, None),
        };
        if let Some(k) = type_crate(self_ty) {
            return Some(k);
        }
        return match trait_path {
            Some(t) if t.trim_start().starts_with('<') => raw_crate(t),
            Some(t) => path_crate(t),
            // an inherent method of a primitive, str or slice: core's
            None if is_builtin_type(self_ty) => Some("core"),
            None => None,
        };
    }
    let base = name.split('<').next().unwrap_or(name);
    if base == "core::ptr::drop_in_place" || base == "core::ptr::drop_in_place::" {
        let start = name.find('<')?;
        let args = &name[start + 1..];
        let close = matching_close(args)?;
        if let Some(k) = type_crate(&args[..close]) {
            return Some(k);
        }
    }
    path_crate(name)
}

/// The crate of a type written as a path, behind references and pointers.
fn type_crate(ty: &str) -> Option<&str> {
    let mut ty = ty.trim();
    loop {
        let before = ty;
        for prefix in ["&mut ", "&", "*const ", "*mut ", "mut "] {
            if let Some(rest) = ty.strip_prefix(prefix) {
                ty = rest.trim_start();
            }
        }
        if ty == before {
            break;
        }
    }
    if ty.starts_with('<') {
        return raw_crate(ty);
    }
    let first = ty.chars().next()?;
    if !(first.is_alphabetic() || first == '_') || ty.starts_with("dyn ") || ty.starts_with("fn(") {
        return None;
    }
    let segment_end = ty.find("::")?;
    let krate = &ty[..segment_end];
    krate
        .chars()
        .all(|c| c.is_alphanumeric() || c == '_')
        .then_some(krate)
}

/// Primitives, `str`, slices, arrays, tuples, pointers to them.
fn is_builtin_type(ty: &str) -> bool {
    let ty = ty
        .trim()
        .trim_start_matches(['&', '*'])
        .trim_start_matches("mut ")
        .trim_start_matches("const ");
    const PRIMITIVES: &[&str] = &[
        "bool", "char", "str", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32",
        "i64", "i128", "isize", "f16", "f32", "f64", "f128", "()",
    ];
    PRIMITIVES.contains(&ty) || ty.starts_with('[') || ty.starts_with('(')
}

/// The first segment of a path `a::b::c`.
fn path_crate(path: &str) -> Option<&str> {
    let path = path.trim();
    let end = path.find("::")?;
    let krate = &path[..end];
    (!krate.is_empty() && krate.chars().all(|c| c.is_alphanumeric() || c == '_')).then_some(krate)
}

/// Index of the `>` closing an already-opened `<`, skipping nested pairs and `->`.
fn matching_close(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    let bytes = s.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'<' => depth += 1,
            b'>' if i > 0 && bytes[i - 1] == b'-' => {}
            b'>' if depth == 0 => return Some(i),
            b'>' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// Splits at the first `sep` outside angle brackets.
fn split_top_level<'a>(s: &'a str, sep: &str) -> Option<(&'a str, &'a str)> {
    let mut depth = 0i32;
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'<' => depth += 1,
            b'>' if i > 0 && bytes[i - 1] == b'-' => {}
            b'>' => depth -= 1,
            // bytes, not `s[i..]`: `i` may sit inside a multi-byte character
            // (identifiers can be non-ASCII); `sep` is ASCII, so a match is
            // on a character boundary
            _ if depth == 0 && bytes[i..].starts_with(sep.as_bytes()) => {
                return Some((&s[..i], &s[i + sep.len()..]));
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn std_dependencies_by_symbol_and_by_the_users_graph() {
        let stdlib = StdLib {
            crates: ["memchr", "gimli"].iter().map(|s| s.to_string()).collect(),
            symbols: ["_ZN6memchr3std17h1111111111111111E".to_string()].into(),
        };
        let users: BTreeSet<String> = ["memchr".to_string(), "app".to_string()].into();
        let by = Attributor {
            split_std: false,
            stdlib: stdlib.clone(),
            user_crates: Some(users),
        };
        // std's build of memchr: its symbol is std's
        assert_eq!(by.symbol("_ZN6memchr3std17h1111111111111111E").1, "std");
        // the user's build of memchr
        assert_eq!(by.symbol("_ZN6memchr4mine17h2222222222222222E").1, "memchr");
        // gimli is not in the user's graph: std's code wherever it was instantiated
        assert_eq!(by.symbol("_ZN5gimli4read17h3333333333333333E").1, "std");
        assert_eq!(by.symbol("_ZN3app4main17h4444444444444444E").1, "app");
        let split = Attributor {
            split_std: true,
            ..by.clone()
        };
        assert_eq!(
            split.symbol("_ZN6memchr3std17h1111111111111111E").1,
            "memchr (std)"
        );
        assert_eq!(
            split.symbol("_ZN4core3fmt5write17h5555555555555555E").1,
            "core"
        );
        // the user's graph unknown (--file): only the symbol decides
        let files = Attributor {
            user_crates: None,
            ..by
        };
        assert_eq!(
            files.symbol("_ZN5gimli4read17h3333333333333333E").1,
            "gimli"
        );
        assert_eq!(files.symbol("_ZN6memchr3std17h1111111111111111E").1, "std");
    }

    fn c(name: &str) -> String {
        crate_of(name, true)
    }

    #[test]
    fn plain_paths_and_closures() {
        assert_eq!(c("math_utils::checksum"), "math_utils");
        assert_eq!(c("app::main::{{closure}}"), "app");
        assert_eq!(c("app::main::{closure#0}"), "app");
        assert_eq!(c("serde_json::de::from_str"), "serde_json");
    }

    #[test]
    fn generic_instantiation_belongs_to_the_function_crate() {
        assert_eq!(c("alloc::vec::Vec<T,A>::push"), "alloc");
        assert_eq!(
            c("core::iter::traits::iterator::Iterator::collect::<alloc::vec::Vec<app::Item>>"),
            "core"
        );
    }

    #[test]
    fn trait_impls_belong_to_the_implementing_type() {
        assert_eq!(
            c("<serde_json::value::Value as core::fmt::Display>::fmt"),
            "serde_json"
        );
        assert_eq!(
            c(
                "<&mut serde_json::ser::Serializer<W,F> as serde_core::ser::Serializer>::serialize_str"
            ),
            "serde_json"
        );
        // primitives, slices, tuples: the trait's crate
        assert_eq!(c("<u64 as core::fmt::Debug>::fmt"), "core");
        assert_eq!(
            c("<[T] as serde_core::ser::Serialize>::serialize"),
            "serde_core"
        );
        assert_eq!(c("<(A, B) as app::Pair>::first"), "app");
        assert_eq!(c("<dyn core::any::Any>::is"), NON_RUST);
        // v0 inherent methods of primitives, str and slices are core's
        assert_eq!(c("<u64>::from_ascii_radix"), "core");
        assert_eq!(c("<str>::trim_start_matches::<&str>"), "core");
        assert_eq!(
            c("<u8 as <[_]>::to_vec_in::ConvertVec>::to_vec::<alloc::alloc::Global>"),
            "core"
        );
        // v0 inherent impl
        assert_eq!(c("<alloc::vec::Vec<u8>>::push"), "alloc");
        // nested qualified self type
        assert_eq!(
            c("<<app::A as core::iter::IntoIterator>::IntoIter as core::iter::Iterator>::next"),
            "app"
        );
    }

    #[test]
    fn drop_glue_belongs_to_the_dropped_type() {
        assert_eq!(
            c("core::ptr::drop_in_place<serde_json::value::Value>"),
            "serde_json"
        );
        assert_eq!(
            c("core::ptr::drop_in_place::<serde_json::value::Value>"),
            "serde_json"
        );
        assert_eq!(
            c("core::ptr::drop_in_place<alloc::string::String>"),
            "alloc"
        );
        assert_eq!(c("core::ptr::drop_in_place<[app::Item]>"), "core");
        assert_eq!(c("core::ptr::drop_in_place<&mut app::Item>"), "app");
        assert_eq!(
            c("core::ptr::drop_in_place<std::rt::lang_start<()>::{{closure}}>"),
            "std"
        );
    }

    #[test]
    fn std_is_grouped_unless_split() {
        assert_eq!(crate_of("core::fmt::write", false), "std");
        assert_eq!(crate_of("alloc::raw_vec::finish_grow", false), "std");
        assert_eq!(crate_of("core::fmt::write", true), "core");
        assert_eq!(crate_of("memchr::memchr", false), "memchr");
        assert_eq!(crate_of("__rustc::__rdl_alloc", false), "std");
    }

    #[test]
    fn legacy_and_v0_symbols_demangle() {
        // legacy
        let (name, krate) = crate_of_symbol("_ZN10math_utils8checksum17h5b87dc9c26406feeE", false);
        assert_eq!(name, "math_utils::checksum");
        assert_eq!(krate, "math_utils");
        // legacy with an LTO clone suffix
        let (name, _) = crate_of_symbol("_ZN3app4main17h831b52df8276cb09E.llvm.1234", false);
        assert!(name.starts_with("app::main"), "{name}");
        // v0: _RNvCs…_10math_utils8checksum
        let (name, krate) = crate_of_symbol("_RNvCs1234_10math_utils8checksum", false);
        assert_eq!(name, "math_utils::checksum");
        assert_eq!(krate, "math_utils");
        // v0 generic: math_utils::id::<u8>
        let (name, krate) = crate_of_symbol("_RINvCs1234_10math_utils2idhEB2_", false);
        assert_eq!(krate, "math_utils", "{name}");
        // not Rust
        assert_eq!(
            crate_of_symbol("memcpy", false),
            ("memcpy".into(), NON_RUST.into())
        );
        assert_eq!(crate_of_symbol("_start", false).1, NON_RUST);
    }

    proptest::proptest! {
        #[test]
        fn any_text_gets_a_crate(s in ".{0,80}") {
            let k = crate_of(&s, false);
            proptest::prop_assert!(!k.is_empty());
            let (_, k) = crate_of_symbol(&s, true);
            proptest::prop_assert!(!k.is_empty());
        }

        #[test]
        fn non_ascii_names_are_attributed(name in "[a-zé名]{1,6}", odd in "[¡é名]{1,3}") {
            // was a panic: slicing inside a multi-byte character
            proptest::prop_assert_eq!(crate_of(&format!("<{odd} as x::T>::f"), true), "x");
            // Rust identifiers may be non-ASCII letters
            proptest::prop_assert_eq!(crate_of(&format!("{name}::f"), true), name);
        }

        #[test]
        fn rust_like_paths_go_to_their_first_segment(
            a in "[a-z_][a-z0-9_]{0,12}", b in "[a-z_][a-z0-9_]{0,12}", c in "[A-Za-z_][A-Za-z0-9_]{0,12}"
        ) {
            let k = crate_of(&format!("{a}::{b}::{c}"), true);
            proptest::prop_assert_eq!(k, a);
        }
    }

    #[test]
    fn nothing_panics_on_odd_input() {
        for s in [
            "",
            "<",
            ">",
            "<<>>",
            "::",
            "<a as>::",
            "core::ptr::drop_in_place<",
            "a->b",
        ] {
            let _ = crate_of(s, false);
        }
    }
}
