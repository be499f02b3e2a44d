//! The functions of a binary: every sized function symbol in `.text`,
//! demangled and attributed to a crate, with aliases (several names at one
//! address) folded into one function so no byte is counted twice.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{Context, Result};
use object::{Object, ObjectSection, ObjectSymbol, SymbolKind};

use super::attribution::Attributor;

/// One function in `.text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    /// Demangled name without the hash; for LTO clones, the clone suffix kept
    /// (`app::f.llvm.1234` → name `app::f`, `clone` = `.llvm.1234`).
    pub name: String,
    /// Clone suffix (`.llvm.N`, `.cold`, `.constprop.N`, …), if any.
    pub clone: Option<String>,
    /// The crate, by the attribution rules.
    pub krate: String,
    /// Start address.
    pub address: u64,
    /// Size in bytes (symbol size, clipped to the next function and to .text).
    pub size: u64,
}

/// What was read from a binary.
#[derive(Debug, Clone)]
pub struct Binary {
    /// Object file architecture, e.g. `X86_64`.
    pub architecture: object::Architecture,
    /// Address and size of `.text`.
    pub text_address: u64,
    /// Bytes of `.text`.
    pub text: Vec<u8>,
    /// Functions sorted by address, non-overlapping.
    pub functions: Vec<Function>,
    /// Named objects in read-only data with their crate and size.
    pub rodata_by_crate: BTreeMap<String, u64>,
    /// Size of the read-only data sections.
    pub rodata_size: u64,
    /// True when the binary has no static symbol table (stripped).
    pub stripped: bool,
    /// Size per crate by DWARF compile unit, and the bytes no unit covers.
    pub by_unit: Option<(BTreeMap<String, u64>, u64)>,
    /// Pointer slots (GOT entries) → the address they hold at run time: a
    /// `call [rip+slot]` through one of them is a direct call in disguise.
    pub pointer_slots: HashMap<u64, u64>,
}

/// GOT-like slots from `R_X86_64_RELATIVE` dynamic relocations (PIE), and
/// non-zero 8-byte words of `.got` (static, non-PIE).
fn pointer_slots(file: &object::File) -> HashMap<u64, u64> {
    let mut slots = HashMap::new();
    if let Some(section) = file.section_by_name(".got")
        && let Ok(data) = section.data()
    {
        for (i, word) in data.chunks_exact(8).enumerate() {
            let value = u64::from_le_bytes(word.try_into().unwrap_or([0; 8]));
            if value != 0 {
                slots.insert(section.address() + 8 * i as u64, value);
            }
        }
    }
    if let Some(relocations) = file.dynamic_relocations() {
        for (offset, relocation) in relocations {
            if let object::RelocationFlags::Elf { r_type } = relocation.flags()
                && r_type == object::elf::R_X86_64_RELATIVE
            {
                slots.insert(offset, relocation.addend() as u64);
            }
        }
    }
    slots
}

/// Splits an LLVM clone suffix off a symbol name: `.llvm.N` (ThinLTO
/// promotion), `.cold`, `.constprop.N`, `.isra.N`, `.part.N`, `.lto_priv.N`,
/// and a bare `.N` (a local renamed to stay unique in a merged module).
pub fn split_clone_suffix(name: &str) -> (&str, Option<&str>) {
    for marker in [
        ".llvm.",
        ".cold",
        ".constprop.",
        ".isra.",
        ".part.",
        ".lto_priv.",
    ] {
        if let Some(i) = name.find(marker) {
            return (&name[..i], Some(&name[i..]));
        }
    }
    if let Some(i) = name.rfind('.')
        && i > 0
        && name.len() > i + 1
        && name[i + 1..].bytes().all(|b| b.is_ascii_digit())
    {
        return (&name[..i], Some(&name[i..]));
    }
    (name, None)
}

/// Reads the functions of the executable at `path`, attributed by `by`.
pub fn read(path: &Path, by: &Attributor) -> Result<Binary> {
    let data = super::map(path)?;
    let file = object::File::parse(&*data).map_err(|source| super::Error::NotReadable {
        path: path.to_path_buf(),
        source,
    })?;
    let text_section = file
        .section_by_name(".text")
        .or_else(|| file.section_by_name("__text"))
        .ok_or_else(|| super::Error::NoText(path.to_path_buf()))?;
    let text_address = text_section.address();
    let text = text_section.data().context("reading .text")?.to_vec();
    let text_end = text_address + text.len() as u64;
    let text_index = text_section.index();

    // Symbols by address; the first Rust name wins over aliases.
    let mut by_address: BTreeMap<u64, (String, u64)> = BTreeMap::new();
    let mut rodata_by_crate: BTreeMap<String, u64> = BTreeMap::new();
    let (rodata, rodata_size) = file
        .sections()
        .filter(|s| {
            s.name()
                .is_ok_and(|n| n.starts_with(".rodata") || n == "__const")
        })
        .fold((Vec::new(), 0), |(mut indices, size), s| {
            indices.push(s.index());
            (indices, size + s.size())
        });
    let mut any_symbol = false;
    for symbol in file.symbols() {
        any_symbol = true;
        let Ok(name) = symbol.name() else { continue };
        if name.is_empty() {
            continue;
        }
        let section = symbol.section_index();
        if symbol.kind() == SymbolKind::Data
            && symbol.size() > 0
            && section.is_some_and(|s| rodata.contains(&s))
        {
            let (plain, _) = split_clone_suffix(name);
            let (_, krate) = by.symbol(plain);
            *rodata_by_crate.entry(krate).or_default() += symbol.size();
            continue;
        }
        if symbol.kind() != SymbolKind::Text || section != Some(text_index) {
            continue;
        }
        let address = symbol.address();
        if address < text_address || address >= text_end {
            continue;
        }
        let entry = by_address
            .entry(address)
            .or_insert_with(|| (name.to_string(), 0));
        if entry.1 < symbol.size() {
            entry.1 = symbol.size();
        }
        let current_is_rust = entry.0.starts_with("_ZN") || entry.0.starts_with("_R");
        if !current_is_rust && (name.starts_with("_ZN") || name.starts_with("_R")) {
            entry.0 = name.to_string();
        }
    }

    let addresses: Vec<u64> = by_address.keys().copied().collect();
    let mut functions = Vec::with_capacity(addresses.len());
    for (i, (&address, (mangled, size))) in by_address.iter().enumerate() {
        let next = addresses.get(i + 1).copied().unwrap_or(text_end);
        // A zero-size symbol (assembly) spans to the next symbol; overlaps are clipped.
        let size = if *size == 0 {
            next - address
        } else {
            (*size).min(next - address)
        };
        if size == 0 {
            continue;
        }
        let (plain, clone) = split_clone_suffix(mangled);
        let (name, krate) = by.symbol(plain);
        functions.push(Function {
            name,
            clone: clone.map(str::to_string),
            krate,
            address,
            size: size.min(text_end - address),
        });
    }
    Ok(Binary {
        architecture: file.architecture(),
        text_address,
        text,
        functions,
        rodata_by_crate,
        rodata_size,
        stripped: !any_symbol,
        pointer_slots: pointer_slots(&file),
        by_unit: super::dwarf::size_by_unit(&file, text_address, text_end, by),
    })
}

impl Binary {
    /// `.text` size in bytes.
    pub fn text_size(&self) -> u64 {
        self.text.len() as u64
    }

    /// Bytes of machine code per crate; `None` key collects bytes of `.text`
    /// no function symbol covers (padding, stubs, stripped code).
    pub fn size_by_crate(&self) -> (BTreeMap<String, u64>, u64) {
        let mut sizes = BTreeMap::new();
        let mut covered = 0;
        for f in &self.functions {
            *sizes.entry(f.krate.clone()).or_default() += f.size;
            covered += f.size;
        }
        (sizes, self.text_size() - covered)
    }

    /// The index in [`Binary::functions`] of the function containing `address`.
    pub fn index_at(&self, address: u64) -> Option<usize> {
        let i = self
            .functions
            .partition_point(|f| f.address <= address)
            .checked_sub(1)?;
        let f = &self.functions[i];
        (address < f.address + f.size).then_some(i)
    }

    /// The function containing `address`.
    pub fn function_at(&self, address: u64) -> Option<&Function> {
        self.index_at(address).map(|i| &self.functions[i])
    }

    /// The machine code of `f`.
    pub fn code(&self, f: &Function) -> &[u8] {
        let start = (f.address - self.text_address) as usize;
        &self.text[start..start + f.size as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clone_suffixes() {
        assert_eq!(
            split_clone_suffix("_ZN1a1f17h0E.llvm.123"),
            ("_ZN1a1f17h0E", Some(".llvm.123"))
        );
        assert_eq!(split_clone_suffix("foo.cold"), ("foo", Some(".cold")));
        assert_eq!(split_clone_suffix("foo"), ("foo", None));
        assert_eq!(
            split_clone_suffix("_ZN1a1f17h0E.295"),
            ("_ZN1a1f17h0E", Some(".295"))
        );
        assert_eq!(split_clone_suffix("v1.2x"), ("v1.2x", None));
    }

    #[test]
    fn reads_our_own_binary_and_reconciles_with_text() {
        let exe = std::env::current_exe().unwrap();
        let binary = read(&exe, &Attributor::plain(false)).unwrap();
        assert!(!binary.stripped);
        let (sizes, unattributed) = binary.size_by_crate();
        assert_eq!(
            sizes.values().sum::<u64>() + unattributed,
            binary.text_size()
        );
        assert!(sizes.contains_key("std"));
        assert!(sizes.contains_key("cargo_lto"));
        for pair in binary.functions.windows(2) {
            assert!(pair[0].address + pair[0].size <= pair[1].address, "overlap");
        }
        let f = &binary.functions[binary.functions.len() / 2];
        assert_eq!(binary.function_at(f.address + f.size - 1), Some(f));
    }
}
