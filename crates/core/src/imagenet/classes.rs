//! ImageNet's 1,000 class names (`models/imagenet/classes.txt`: one class per line, its
//! WordNet synonyms separated by ", "), looked up by index or by name.

use super::CLASSES;
use crate::{Error, Result};

pub struct Classes {
    lines: Vec<String>,
}

/// A class and the model's probability for it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Ranked {
    pub label: usize,
    pub name: String,
    pub probability: f32,
}

impl Classes {
    pub fn parse(text: &str) -> Result<Classes> {
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        if lines.len() != CLASSES || lines.iter().any(|l| l.trim().is_empty()) {
            return Err(Error::Weights(format!(
                "the class list has {} lines, not {CLASSES} names",
                lines.len()
            )));
        }
        Ok(Classes { lines })
    }

    /// Every synonym of class `label` ("ostrich, Struthio camelus").
    pub fn synonyms(&self, label: usize) -> &str {
        &self.lines[label]
    }

    /// The first synonym of class `label`, its everyday name ("ostrich").
    pub fn name(&self, label: usize) -> &str {
        self.lines[label].split(", ").next().unwrap_or_default()
    }

    /// The class `query` names: an index 0–999, or a synonym (any case) that only one class has.
    pub fn find(&self, query: &str) -> Result<usize> {
        let query = query.trim();
        if let Ok(i) = query.parse::<usize>() {
            return if i < CLASSES {
                Ok(i)
            } else {
                Err(Error::Image(format!("class {i} is not one of 0–999")))
            };
        }
        let has = |line: &str| line.split(", ").any(|s| s.eq_ignore_ascii_case(query));
        let found: Vec<usize> = (0..CLASSES).filter(|&i| has(&self.lines[i])).collect();
        match found[..] {
            [i] => Ok(i),
            [] => Err(Error::Image(format!(
                "no ImageNet class is called {query:?}"
            ))),
            _ => Err(Error::Image(format!(
                "{query:?} names several classes ({}): give the index",
                found
                    .iter()
                    .map(|&i| format!("{i} {}", self.synonyms(i)))
                    .collect::<Vec<_>>()
                    .join("; ")
            ))),
        }
    }
}

/// The `k` most probable classes, most probable first.
pub fn top(classes: &Classes, probabilities: &[f32], k: usize) -> Vec<Ranked> {
    let mut order: Vec<usize> = (0..probabilities.len()).collect();
    order.sort_by(|&a, &b| probabilities[b].total_cmp(&probabilities[a]));
    order
        .into_iter()
        .take(k)
        .map(|label| Ranked {
            label,
            name: classes.name(label).to_string(),
            probability: probabilities[label],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes() -> Classes {
        let mut text = String::new();
        for i in 0..CLASSES {
            text += &match i {
                9 => "ostrich, Struthio camelus\n".to_string(),
                134 => "crane\n".to_string(),
                517 => "crane\n".to_string(),
                _ => format!("class {i}\n"),
            };
        }
        Classes::parse(&text).unwrap()
    }

    #[test]
    fn a_class_is_found_by_index_or_by_any_unique_synonym() {
        let c = classes();
        assert_eq!(c.find("9").unwrap(), 9);
        assert_eq!(c.find("Ostrich").unwrap(), 9);
        assert_eq!(c.find("struthio camelus").unwrap(), 9);
        assert_eq!(c.name(9), "ostrich");
        assert!(c.find("1000").is_err());
        assert!(c.find("emu").is_err());
        let both = c.find("crane").unwrap_err().to_string();
        assert!(both.contains("134") && both.contains("517"), "{both}");
    }

    #[test]
    fn a_short_or_blank_list_is_refused() {
        assert!(Classes::parse("tench\ngoldfish\n").is_err());
        assert!(Classes::parse(&"x\n".repeat(999)).is_err());
        assert!(Classes::parse(&("x\n".repeat(999) + " \n")).is_err());
    }

    #[test]
    fn top_ranks_the_most_probable_first() {
        let mut p = vec![0.0; CLASSES];
        p[9] = 0.7;
        p[3] = 0.2;
        p[5] = 0.1;
        let t = top(&classes(), &p, 2);
        assert_eq!((t[0].label, t[1].label), (9, 3));
        assert_eq!(t[0].name, "ostrich");
    }
}
