//! One pass over the machine code of every function (x86-64, iced-x86):
//! the direct calls and tail jumps it makes — including `call [rip+slot]`
//! through a GOT slot the linker filled with a function's address (rustc
//! calls other crates' functions that way in PIE; lld does not always relax
//! them into direct calls) — resolved to the functions they reach, and a hash of its code with every relative target replaced by what
//! it reaches — so two functions hash alike exactly when their code is the
//! same up to where it sits.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use iced_x86::{Decoder, DecoderOptions, FlowControl, Instruction, OpKind};

use super::symbols::Binary;

/// A direct transfer of control from one function to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    /// Index of the calling function in [`Binary::functions`].
    pub caller: usize,
    /// Index of the function reached.
    pub callee: usize,
    /// A jump (tail call) rather than a `call`.
    pub tail: bool,
}

/// What the code pass found.
#[derive(Debug, Clone, Default)]
pub struct CodeFacts {
    /// Every direct call and cross-function jump.
    pub edges: Vec<Edge>,
    /// Per function, the hash of its normalised code.
    pub hashes: Vec<u64>,
}

/// Why the code pass cannot run, if it cannot.
pub fn unsupported(binary: &Binary) -> Option<String> {
    (binary.architecture != object::Architecture::X86_64).then(|| {
        format!(
            "disassembly is implemented for x86-64 only; this binary is {:?}: cross-crate calls and duplicate code are not available",
            binary.architecture
        )
    })
}

fn is_near_branch(kind: OpKind) -> bool {
    matches!(
        kind,
        OpKind::NearBranch16 | OpKind::NearBranch32 | OpKind::NearBranch64
    )
}

/// Decodes every function once. Call only when [`unsupported`] is `None`.
pub fn scan(binary: &Binary) -> CodeFacts {
    let mut facts = CodeFacts {
        edges: Vec::new(),
        hashes: Vec::with_capacity(binary.functions.len()),
    };
    let mut instruction = Instruction::default();
    for (index, f) in binary.functions.iter().enumerate() {
        let code = binary.code(f);
        let mut decoder = Decoder::with_ip(64, code, f.address, DecoderOptions::NONE);
        let end = f.address + f.size;
        let mut hasher = DefaultHasher::new();
        while decoder.can_decode() {
            let offset = (decoder.ip() - f.address) as usize;
            decoder.decode_out(&mut instruction);
            let len = instruction.len();
            let bytes = &code[offset..(offset + len).min(code.len())];
            let flow = instruction.flow_control();
            if is_near_branch(instruction.op0_kind())
                && matches!(
                    flow,
                    FlowControl::Call
                        | FlowControl::UnconditionalBranch
                        | FlowControl::ConditionalBranch
                )
            {
                let target = instruction.near_branch_target();
                instruction.code().hash(&mut hasher);
                if target >= f.address && target < end {
                    // a branch inside the function: its position relative to the start
                    (0u8, target - f.address).hash(&mut hasher);
                } else if let Some(callee_index) = binary.index_at(target) {
                    let callee = &binary.functions[callee_index];
                    (1u8, callee_index, target - callee.address).hash(&mut hasher);
                    facts.edges.push(Edge {
                        caller: index,
                        callee: callee_index,
                        tail: flow != FlowControl::Call,
                    });
                } else {
                    (2u8, target).hash(&mut hasher);
                }
            } else if instruction.is_ip_rel_memory_operand()
                && matches!(
                    flow,
                    FlowControl::IndirectCall | FlowControl::IndirectBranch
                )
                && let Some(callee_index) = binary
                    .pointer_slots
                    .get(&instruction.ip_rel_memory_address())
                    .and_then(|&target| binary.index_at(target))
            {
                // `call [rip+GOT slot]`: a direct call the linker did not relax
                instruction.code().hash(&mut hasher);
                (1u8, callee_index).hash(&mut hasher);
                facts.edges.push(Edge {
                    caller: index,
                    callee: callee_index,
                    tail: flow != FlowControl::IndirectCall,
                });
            } else if instruction.is_ip_rel_memory_operand() {
                // mask the displacement, hash what it reaches instead
                let offsets = decoder.get_constant_offsets(&instruction);
                let mut masked = bytes.to_vec();
                if offsets.has_displacement() {
                    let start = offsets.displacement_offset();
                    let stop = (start + offsets.displacement_size()).min(masked.len());
                    masked[start..stop].iter_mut().for_each(|b| *b = 0);
                }
                masked.hash(&mut hasher);
                let target = instruction.ip_rel_memory_address();
                match binary.function_at(target) {
                    Some(g) if target >= end || target < f.address => {
                        (3u8, g.address, target - g.address).hash(&mut hasher)
                    }
                    _ if target >= f.address && target < end => {
                        (4u8, target - f.address).hash(&mut hasher)
                    }
                    _ => (5u8, target).hash(&mut hasher),
                }
            } else {
                bytes.hash(&mut hasher);
            }
        }
        facts.hashes.push(hasher.finish());
    }
    facts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binary(
        architecture: object::Architecture,
        text: Vec<u8>,
        functions: Vec<super::super::symbols::Function>,
    ) -> Binary {
        Binary {
            architecture,
            text_address: 0x1000,
            text,
            functions,
            rodata_by_crate: Default::default(),
            rodata_size: 0,
            stripped: false,
            by_unit: None,
            pointer_slots: Default::default(),
        }
    }

    fn function(
        name: &str,
        krate: &str,
        address: u64,
        size: u64,
    ) -> super::super::symbols::Function {
        super::super::symbols::Function {
            name: name.into(),
            clone: None,
            krate: krate.into(),
            address,
            size,
        }
    }

    #[test]
    fn other_architectures_are_named_not_guessed() {
        let b = binary(object::Architecture::Aarch64, vec![], vec![]);
        let why = unsupported(&b).unwrap();
        assert!(
            why.contains("x86-64 only") && why.contains("Aarch64"),
            "{why}"
        );
        assert!(unsupported(&binary(object::Architecture::X86_64, vec![], vec![])).is_none());
    }

    #[test]
    fn calls_jumps_and_identical_code() {
        // 0x1000 a: call b; ret        (e8 rel32 → 0x1010)
        // 0x1008 c: call b; ret        identical to a up to position
        // 0x1010 b: jmp d (tail call)  (e9 rel32 → 0x1018)
        // 0x1018 d: ret
        let mut text = vec![0xcc; 0x20];
        let call = |at: usize, to: usize, text: &mut Vec<u8>| {
            let rel = (to as i64 - (at as i64 + 5)) as i32;
            text[at] = 0xe8;
            text[at + 1..at + 5].copy_from_slice(&rel.to_le_bytes());
            text[at + 5] = 0xc3;
        };
        call(0x0, 0x10, &mut text);
        call(0x8, 0x10, &mut text);
        let rel = (0x18i64 - (0x10 + 5)) as i32;
        text[0x10] = 0xe9;
        text[0x11..0x15].copy_from_slice(&rel.to_le_bytes());
        text[0x18] = 0xc3;
        let b = binary(
            object::Architecture::X86_64,
            text,
            vec![
                function("x::a", "x", 0x1000, 6),
                function("x::c", "x", 0x1008, 6),
                function("y::b", "y", 0x1010, 5),
                function("z::d", "z", 0x1018, 1),
            ],
        );
        let facts = scan(&b);
        assert_eq!(
            facts.edges,
            [
                Edge {
                    caller: 0,
                    callee: 2,
                    tail: false
                },
                Edge {
                    caller: 1,
                    callee: 2,
                    tail: false
                },
                Edge {
                    caller: 2,
                    callee: 3,
                    tail: true
                },
            ]
        );
        assert_eq!(facts.hashes[0], facts.hashes[1], "same code, other place");
        assert_ne!(facts.hashes[0], facts.hashes[2]);
    }
}
