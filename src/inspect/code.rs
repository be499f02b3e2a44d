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

use super::functions::Binary;

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
pub fn analyse(binary: &Binary) -> CodeFacts {
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
                } else if let Some(callee) = binary.function_at(target) {
                    let callee_index = binary
                        .functions
                        .binary_search_by_key(&callee.address, |g| g.address)
                        .unwrap_or(usize::MAX);
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
                && let Some(callee) = binary
                    .pointer_slots
                    .get(&instruction.ip_rel_memory_address())
                    .and_then(|&target| binary.function_at(target))
            {
                // `call [rip+GOT slot]`: a direct call the linker did not relax
                let callee_index = binary
                    .functions
                    .binary_search_by_key(&callee.address, |g| g.address)
                    .unwrap_or(usize::MAX);
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
