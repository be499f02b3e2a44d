//! Shell syntax left in a workload's words. `--run 'sum=[.[] | .a] | add'`
//! is split at spaces like a shell would split it, but run without one: the
//! program gets `|` and `add` as arguments, and fails saying something
//! unrelated. When a workload fails, this says why it may have.

use crate::results::measure::Workload;

/// Words that only mean something to a shell.
const OPERATORS: [&str; 11] = [
    "|", "||", "&&", ";", "&", ">", ">>", "<", "2>", "2>&1", "<<",
];

/// The first word of `w` that looks like shell syntax: an operator, a
/// command substitution, or brackets or quotes opened in one word and
/// closed in another (a splitting the user did not mean). None for a
/// workload run through `sh -c` (`--shell`, `--run-cmd` with it).
pub fn shell_syntax(w: &Workload) -> Option<String> {
    if w.shell {
        return None;
    }
    let words = w.command.iter().filter(|word| *word != "{bin}");
    for word in words {
        let unbalanced = |open: char, close: char| {
            word.chars().filter(|c| *c == open).count()
                != word.chars().filter(|c| *c == close).count()
        };
        let odd = |q: char| word.chars().filter(|c| *c == q).count() % 2 == 1;
        if OPERATORS.contains(&word.as_str())
            || word.contains("$(")
            || word.contains('`')
            || unbalanced('[', ']')
            || unbalanced('(', ')')
            || unbalanced('{', '}')
            || odd('\'')
            || odd('"')
        {
            return Some(word.clone());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::runtime::workload::plain;

    #[test]
    fn what_a_shell_would_have_read() {
        let split = |words: &[&str]| {
            let mut command = vec!["{bin}"];
            command.extend(words);
            shell_syntax(&plain(&command))
        };
        // the jq program, split at spaces
        assert_eq!(
            split(&["[.[]", "|", ".a", "+", ".b]", "|", "add"]).as_deref(),
            Some("[.[]")
        );
        assert_eq!(split(&["x", ">", "out.txt"]).as_deref(), Some(">"));
        assert_eq!(split(&["$(cat", "list)"]).as_deref(), Some("$(cat"));
        assert_eq!(split(&["it's"]).as_deref(), Some("it's"));
        // one argument with everything in it is what the user meant
        assert_eq!(split(&["[.[] | .a + .b] | add"]), None);
        assert_eq!(split(&["--count", "30000", "a-b"]), None);
        let mut shell = plain(&["{bin} | wc -l"]);
        shell.shell = true;
        assert_eq!(shell_syntax(&shell), None);
    }
}
