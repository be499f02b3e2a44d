//! Where a binary's bytes are: its size on disk, the sizes of the section
//! groups that change with profile settings, and its symbol count — read
//! with the `object` crate (ELF, Mach-O, PE). `measure` records these for
//! every configuration.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use object::{Object, ObjectSection};

/// Size of a binary and of its section groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionSizes {
    /// Size on disk in bytes.
    pub size_bytes: u64,
    /// SHA-256 of the file, hex: two builds are the same binary when equal.
    pub sha256: String,
    /// The file's bytes by section group ([`GROUPS`]): `text` (machine
    /// code), `rodata` (constants, strings), `data` (writable data, relro
    /// data, TLS initialisers, the GOT, and the dynamic relocations that
    /// fill their pointers at load time, .rela.dyn and .relr.dyn: what they
    /// take in the file, so .bss, which takes memory only, adds nothing),
    /// `unwind`
    /// (.eh_frame, .eh_frame_hdr, .gcc_except_table), `debug` (.debug_*),
    /// `symbols` (.symtab, .strtab: the static symbol table that `strip`
    /// removes), `other` (every other byte of the file: the remaining
    /// sections, .dynsym and .dynstr among them, the headers and the
    /// alignment padding). They add up to `size_bytes`.
    pub sections: BTreeMap<String, u64>,
    /// Bytes of the sections loaded at run time (ELF: `SHF_ALLOC` with file
    /// contents, so not .bss): what `strip` keeps, the figure for "did my
    /// program shrink". Elsewhere: the sections that are not debug info,
    /// symbol tables or zero-fill.
    pub shipped_bytes: u64,
    /// Entries in the static symbol table (0 when stripped).
    pub symbols: u64,
}

/// The group a section belongs to, by name (ELF and Mach-O spellings).
pub fn section_group(name: &str) -> &'static str {
    let name = name.trim_start_matches('_');
    match name {
        _ if name.starts_with(".debug")
            || name.starts_with("debug_")
            || name.starts_with(".zdebug") =>
        {
            "debug"
        }
        ".text" | "text" | ".init" | ".fini" | ".plt" | ".plt.got" | ".plt.sec" | "stubs" => "text",
        _ if name.starts_with(".text.") => "text",
        ".eh_frame" | ".eh_frame_hdr" | ".gcc_except_table" | "eh_frame" | "unwind_info"
        | ".pdata" | ".xdata" => "unwind",
        ".rodata" | "const" | "cstring" | ".rdata" | "literal4" | "literal8" | "literal16" => {
            "rodata"
        }
        _ if name.starts_with(".rodata") => "rodata",
        ".symtab" | ".strtab" | "symtab" => "symbols",
        ".data" | ".bss" | ".tdata" | ".tbss" | ".data.rel.ro" | "data" | "bss" | "thread_data"
        | "thread_bss" | "common" | ".got" | ".got.plt" | ".init_array" | ".fini_array" | "got"
        | "la_symbol_ptr" | "nl_symbol_ptr" => "data",
        _ if name.starts_with(".data.") => "data",
        // the dynamic relocations that fill the data's pointers at load time
        ".rela.dyn" | ".rel.dyn" | ".relr.dyn" | ".rela.plt" | ".rel.plt" | ".reloc" => "data",
        _ => "other",
    }
}

/// Reads `path` and measures it.
pub fn measure(path: &Path) -> Result<SectionSizes> {
    let data = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let file = object::File::parse(&*data)
        .with_context(|| format!("{} is not an executable object file", path.display()))?;
    let mut sections: BTreeMap<String, u64> = GROUPS.iter().map(|g| (g.to_string(), 0)).collect();
    let mut shipped_bytes = 0;
    let mut in_sections = 0;
    for section in file.sections() {
        let name = section.name().unwrap_or("");
        // what the section takes in the file (none for zero-fill)
        let in_file = section.file_range().map_or(0, |(_, size)| size);
        if name.is_empty() || in_file == 0 {
            continue;
        }
        let group = section_group(name);
        *sections.entry(group.to_string()).or_default() += in_file;
        in_sections += in_file;
        if loaded(&section, group) {
            shipped_bytes += section.size();
        }
    }
    // the headers and the padding between sections: the rest of the file
    *sections.entry("other".to_string()).or_default() +=
        (data.len() as u64).saturating_sub(in_sections);
    Ok(SectionSizes {
        size_bytes: data.len() as u64,
        sha256: sha256_hex(&data),
        sections,
        shipped_bytes,
        symbols: file.symbols().count() as u64,
    })
}

/// True when the two files hold the same machine code: their `.text`
/// sections are equal, byte for byte (and present).
pub fn same_code(a: &Path, b: &Path) -> Result<bool> {
    let text = |p: &Path| -> Result<Option<Vec<u8>>> {
        let data = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?;
        let file = object::File::parse(&*data)
            .with_context(|| format!("{} is not an executable object file", p.display()))?;
        Ok(file
            .section_by_name(".text")
            .and_then(|s| s.data().ok())
            .map(<[u8]>::to_vec))
    };
    Ok(match (text(a)?, text(b)?) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    })
}

/// The SHA-256 of `bytes`, in lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The section groups, in the order a breakdown lists them.
pub use crate::results::measure::SECTION_GROUPS as GROUPS;

/// True when `section` is loaded at run time and takes file space.
fn loaded(section: &object::Section<'_, '_>, group: &str) -> bool {
    use object::SectionKind as K;
    if matches!(
        section.kind(),
        K::UninitializedData | K::UninitializedTls | K::Debug | K::DebugString
    ) {
        return false;
    }
    match section.flags() {
        object::SectionFlags::Elf { sh_flags, .. } => sh_flags.contains(object::elf::SHF_ALLOC),
        _ => !matches!(group, "debug" | "symbols") && section.kind() != K::Metadata,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_by_name() {
        assert_eq!(section_group(".text"), "text");
        assert_eq!(section_group(".rodata.str1.1"), "rodata");
        assert_eq!(section_group(".debug_info"), "debug");
        assert_eq!(section_group(".eh_frame_hdr"), "unwind");
        assert_eq!(section_group(".bss"), "data");
        assert_eq!(section_group(".data.rel.ro"), "data");
        assert_eq!(section_group(".rela.dyn"), "data");
        assert_eq!(section_group("__text"), "text");
        assert_eq!(section_group(".symtab"), "symbols");
        assert_eq!(section_group(".dynsym"), "other");
    }

    #[test]
    fn reads_our_own_test_binary() {
        let exe = std::env::current_exe().unwrap();
        let info = measure(&exe).unwrap();
        assert_eq!(info.size_bytes, std::fs::metadata(&exe).unwrap().len());
        assert!(info.sections["text"] > 0);
        assert!(info.symbols > 0);
        // a test binary carries debug info and a symbol table: the loaded
        // part is smaller than the file, and holds all the code
        assert!(info.shipped_bytes < info.size_bytes);
        assert!(info.shipped_bytes >= info.sections["text"] + info.sections["rodata"]);
        assert!(info.sections["symbols"] > 0);
        // the groups are the file, every byte of it
        assert_eq!(info.sections.values().sum::<u64>(), info.size_bytes);
        assert_eq!(info.sections.len(), GROUPS.len());
    }

    #[test]
    fn not_an_object_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x");
        std::fs::write(&p, b"#!/bin/sh\necho hi\n").unwrap();
        let err = measure(&p).unwrap_err().to_string();
        assert!(err.contains("not an executable"), "{err}");
    }
}
