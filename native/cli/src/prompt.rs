//! Answers the engine's confirmation requests (`--overwrite prompt`, `--delete-destination prompt`)
//! on the terminal, AzCopy style: yes, no, all, none. Without a terminal nothing is approved.

use azblobsync_core::job::events::{Action, ConfirmRequest};
use azblobsync_core::job::Answers;
use std::io::{BufRead, IsTerminal, Write};

pub struct Prompter {
    answers: Answers,
    /// After "all" or "none", the same answer for every later request.
    standing: Option<bool>,
    interactive: bool,
}

impl Prompter {
    pub fn new(answers: Answers) -> Self {
        Self { answers, standing: None, interactive: std::io::stdin().is_terminal() }
    }

    pub fn ask(&mut self, request: &ConfirmRequest) {
        let approve = match self.standing {
            Some(answer) => answer,
            None if !self.interactive => {
                eprintln!("azblobsync: not a terminal, so '{}' was not confirmed and is skipped", request.blob);
                self.standing = Some(false);
                false
            }
            None => self.read_answer(request),
        };
        self.answers.answer(request.id, approve);
    }

    fn read_answer(&mut self, request: &ConfirmRequest) -> bool {
        let question = match request.action {
            Action::Delete => format!("Delete '{}'", request.blob),
            Action::Download => format!("Overwrite local file '{}'", request.path),
            _ => format!("Overwrite blob '{}'", request.blob),
        };
        loop {
            eprint!("{question}? [y]es, [n]o, [a]ll, n[o]ne: ");
            let _ = std::io::stderr().flush();
            let mut line = String::new();
            if std::io::stdin().lock().read_line(&mut line).unwrap_or(0) == 0 {
                self.standing = Some(false);
                return false;
            }
            match parse_answer(&line) {
                Some(Answer::Once(a)) => return a,
                Some(Answer::Always(a)) => {
                    self.standing = Some(a);
                    return a;
                }
                None => continue,
            }
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Answer {
    Once(bool),
    Always(bool),
}

fn parse_answer(line: &str) -> Option<Answer> {
    match line.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => Some(Answer::Once(true)),
        "n" | "no" | "" => Some(Answer::Once(false)),
        "a" | "all" => Some(Answer::Always(true)),
        "o" | "none" => Some(Answer::Always(false)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_follow_azcopy_letters_and_default_to_no() {
        assert_eq!(parse_answer("Y\n"), Some(Answer::Once(true)));
        assert_eq!(parse_answer("\n"), Some(Answer::Once(false)));
        assert_eq!(parse_answer("all"), Some(Answer::Always(true)));
        assert_eq!(parse_answer("o"), Some(Answer::Always(false)));
        assert_eq!(parse_answer("maybe"), None);
    }
}
