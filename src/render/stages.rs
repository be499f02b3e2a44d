//! The stages of the configurations built through a pipeline (PGO, BOLT),
//! one column each, for `-v`: where the whole pipeline's time went.

use super::blocks::{Align, Table};
use super::cells::Cell;
use crate::results::MeasureDocument;
use crate::results::measure::Status;
use crate::results::pipeline::{Stage, StageName};

/// A table of every pipeline configuration's stages' wall seconds and
/// their total; None when no configuration has a pipeline. `build` is the
/// timed build (with the profile under PGO), between PGO's stages and
/// BOLT's.
pub fn stages(doc: &MeasureDocument) -> Option<Table> {
    let piped: Vec<_> = doc
        .configurations
        .iter()
        .filter(|c| !c.pipeline.is_empty() && c.identical_to.is_none())
        .collect();
    if piped.is_empty() {
        return None;
    }
    // the timed build is one column, `build`, whatever its stage's name
    let used: Vec<StageName> = StageName::ORDER
        .into_iter()
        .filter(|s| *s != StageName::ProfileUseBuild)
        .filter(|s| {
            *s == StageName::Build
                || piped
                    .iter()
                    .any(|c| Stage::named(&c.pipeline, *s).is_some())
        })
        .collect();
    let mut headers = vec![("config", Align::Left)];
    headers.extend(used.iter().map(|s| (s.name(), Align::Right)));
    headers.push(("whole", Align::Right));
    let mut t = Table::new(&headers);
    t.title = Some("pipeline stages (wall time)".into());
    for c in piped {
        let build = c
            .build
            .as_ref()
            .filter(|_| c.status == Status::Ok)
            .map(|b| b.wall_s);
        let figure = |s: StageName| match s {
            StageName::Build => build,
            _ => Stage::named(&c.pipeline, s).map(|st| st.wall_s),
        };
        let mut row = vec![Cell::Text(c.name.clone())];
        row.extend(
            used.iter()
                .map(|s| figure(*s).map_or(Cell::Empty, Cell::Seconds)),
        );
        let whole: f64 = used.iter().filter_map(|s| figure(*s)).sum();
        row.push(Cell::Seconds(whole));
        t.row(row);
    }
    t.footnotes.push(
        "build: the timed build (with the profile under PGO; linked with its relocations under BOLT); a stage left empty did not run (a failed one is the last that did)".into(),
    );
    Some(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::test_docs::{doc, spec};

    fn stage(name: StageName, wall_s: f64) -> Stage {
        Stage::new(name, wall_s, wall_s, 1)
    }

    #[test]
    fn each_pipeline_stage_has_a_column_and_the_whole_adds_them() {
        let mut d = doc(&[
            spec("baseline", 1_000, 10.0, 100),
            spec("p", 1_000, 12.0, 100),
        ]);
        assert!(stages(&d).is_none(), "no pipeline, no table");
        d.configurations[1].pipeline = vec![
            stage(StageName::InstrumentedBuild, 14.0),
            stage(StageName::Training, 0.5),
            stage(StageName::Merge, 0.25),
        ];
        let t = stages(&d).unwrap();
        let headers: Vec<&str> = t.columns.iter().map(|c| c.header.as_str()).collect();
        assert_eq!(
            headers,
            [
                "config",
                "instrumented-build",
                "training",
                "merge",
                "build",
                "whole"
            ]
        );
        assert_eq!(t.rows.len(), 1);
        let build = d.configurations[1].build.as_ref().unwrap().wall_s;
        assert_eq!(t.rows[0][4], Cell::Seconds(build));
        assert_eq!(t.rows[0][5], Cell::Seconds(14.75 + build));
    }
}
