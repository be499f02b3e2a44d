//! The second view of size per crate: by the DWARF compile unit that emitted
//! each byte of `.text`. rustc names a unit `<crate root>/@/<crate>.<hash>-cgu.<n>`,
//! so the crate is the part after `/@/` up to the first dot. Unlike the
//! symbol view, a generic instantiated in crate B is B's here (B's codegen
//! emitted it), and code inlined into a function counts for the unit that
//! holds that function.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use object::{Object, ObjectSection};

use super::attribution::Attributor;
#[cfg(test)]
use super::crates::{NON_RUST, crate_of_unit};

/// Bytes of `[text_start, text_end)` per crate, and the bytes no unit covers;
/// `None` when the binary has no DWARF.
pub fn size_by_unit(
    file: &object::File,
    text_start: u64,
    text_end: u64,
    by: &Attributor,
) -> Option<(BTreeMap<String, u64>, u64)> {
    file.section_by_name(".debug_info")?;
    let endian = if file.is_little_endian() {
        gimli::RunTimeEndian::Little
    } else {
        gimli::RunTimeEndian::Big
    };
    let mut sections: HashMap<gimli::SectionId, Cow<[u8]>> = HashMap::new();
    for id in [
        gimli::SectionId::DebugAbbrev,
        gimli::SectionId::DebugAddr,
        gimli::SectionId::DebugInfo,
        gimli::SectionId::DebugLine,
        gimli::SectionId::DebugLineStr,
        gimli::SectionId::DebugRanges,
        gimli::SectionId::DebugRngLists,
        gimli::SectionId::DebugStr,
        gimli::SectionId::DebugStrOffsets,
        gimli::SectionId::DebugAranges,
    ] {
        if let Some(data) = file
            .section_by_name(id.name())
            .and_then(|s| s.uncompressed_data().ok())
        {
            sections.insert(id, data);
        }
    }
    let empty: &[u8] = &[];
    let dwarf = gimli::Dwarf::load(|id| -> Result<_, gimli::Error> {
        Ok(gimli::EndianSlice::new(
            sections.get(&id).map_or(empty, |c| &**c),
            endian,
        ))
    })
    .ok()?;

    let mut ranges: Vec<(u64, u64, String)> = Vec::new();
    let mut units = dwarf.units();
    while let Ok(Some(header)) = units.next() {
        let Ok(unit) = dwarf.unit(header) else {
            continue;
        };
        let name = unit
            .name
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let krate = by.unit(&name);
        let Ok(mut iter) = dwarf.unit_ranges(&unit) else {
            continue;
        };
        while let Ok(Some(r)) = iter.next() {
            let (begin, end) = (r.begin.max(text_start), r.end.min(text_end));
            if begin < end {
                ranges.push((begin, end, krate.clone()));
            }
        }
    }
    if ranges.is_empty() {
        return None;
    }
    // Overlaps are counted once, for the range that starts first.
    ranges.sort();
    let mut sizes: BTreeMap<String, u64> = BTreeMap::new();
    let mut covered_to = text_start;
    let mut covered = 0;
    for (begin, end, krate) in ranges {
        let begin = begin.max(covered_to);
        if begin < end {
            *sizes.entry(krate).or_default() += end - begin;
            covered += end - begin;
            covered_to = end;
        }
    }
    Some((sizes, (text_end - text_start) - covered))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn std_builds_units_are_stds() {
        let by = Attributor::plain(false);
        let deps = "/rust/deps/memchr-2.7.6/src/lib.rs/@/memchr.9642f0ce76a98c65-cgu.0";
        assert_eq!(by.unit(deps), "std");
        assert_eq!(
            by.unit("src/lib.rs/@/memchr.1a2b-cgu.0"),
            "memchr",
            "the user's copy"
        );
        let split = Attributor::plain(true);
        assert_eq!(split.unit(deps), "memchr (std)");
        let core = "/rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/core/src/lib.rs/@/core.c1f1-cgu.0";
        assert_eq!(split.unit(core), "core");
        assert_eq!(by.unit("crt1.c"), NON_RUST);
    }

    #[test]
    fn unit_names() {
        assert_eq!(
            crate_of_unit("src/lib.rs/@/serde_json.1a2b3c-cgu.03", false),
            "serde_json"
        );
        assert_eq!(
            crate_of_unit("library/core/src/lib.rs/@/core.abc-cgu.0", false),
            "std"
        );
        assert_eq!(
            crate_of_unit("library/core/src/lib.rs/@/core.abc-cgu.0", true),
            "core"
        );
        assert_eq!(crate_of_unit("app/src/main.rs/@/app.d2c3", false), "app");
        assert_eq!(crate_of_unit("crt1.c", false), NON_RUST);
    }
}
