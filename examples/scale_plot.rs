//! Draws the scale curve written by `benches/scale.sh`: query latency (p50 and p99) against
//! corpus size, both axes logarithmic, as a PNG.
//!
//! `cargo run --release --features plot --example scale_plot -- scale.tsv scale.png`
//!
//! Text is set in DejaVu Sans, read from the system's fonts (Debian's `fonts-dejavu-core`).

use std::error::Error;
use std::path::Path;

use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

const FONTS: [&str; 2] = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
];

/// One row of scale.tsv: articles, p50 and p99 in milliseconds.
struct Row {
    articles: f64,
    p50: f64,
    p99: f64,
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, tsv, png] = args.as_slice() else {
        return Err("usage: scale_plot SCALE.tsv OUT.png".into());
    };
    let rows = read(Path::new(tsv))?;
    if rows.is_empty() {
        return Err(format!("{tsv}: no measurements").into());
    }
    let font = FONTS
        .iter()
        .find_map(|f| std::fs::read(f).ok())
        .ok_or("no DejaVu Sans font: install fonts-dejavu-core")?;
    register_font(
        "sans-serif",
        FontStyle::Normal,
        Box::leak(font.into_boxed_slice()),
    )
    .map_err(|_| "unreadable DejaVu Sans font")?;

    let root = BitMapBackend::new(png, (800, 500)).into_drawing_area();
    root.fill(&WHITE)?;
    let x_max = rows.iter().map(|r| r.articles).fold(1.0, f64::max) * 2.0;
    let x_min = rows.iter().map(|r| r.articles).fold(f64::MAX, f64::min) / 2.0;
    let y_max = rows.iter().map(|r| r.p99).fold(0.1, f64::max) * 2.0;
    let y_min = rows.iter().map(|r| r.p50).fold(f64::MAX, f64::min) / 2.0;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "attache query latency vs corpus size (public queries)",
            ("sans-serif", 22),
        )
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(60)
        .build_cartesian_2d((x_min..x_max).log_scale(), (y_min..y_max).log_scale())?;
    chart
        .configure_mesh()
        .x_desc("articles (synthetic, attache gen)")
        .y_desc("latency per query (ms)")
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{y}"))
        .label_style(("sans-serif", 14))
        .draw()?;
    for (name, color, value) in [
        ("p50", BLUE, (|r: &Row| r.p50) as fn(&Row) -> f64),
        ("p99", RED, |r: &Row| r.p99),
    ] {
        let points: Vec<(f64, f64)> = rows.iter().map(|r| (r.articles, value(r))).collect();
        chart
            .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))?
            .label(name)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], color.stroke_width(2)));
        chart.draw_series(
            points
                .into_iter()
                .map(|p| Circle::new(p, 4, color.filled())),
        )?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font(("sans-serif", 14))
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    println!("wrote {png}");
    Ok(())
}

/// Reads the `articles`, `p50_ms` and `p99_ms` columns of scale.tsv.
fn read(path: &Path) -> Result<Vec<Row>, Box<dyn Error>> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().ok_or("empty file")?.split('\t').collect();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .ok_or(format!("{}: no column {name}", path.display()))
    };
    let (a, p50, p99) = (column("articles")?, column("p50_ms")?, column("p99_ms")?);
    lines
        .enumerate()
        .map(|(i, line)| {
            let fields: Vec<&str> = line.split('\t').collect();
            let number = |c: usize| -> Result<f64, Box<dyn Error>> {
                let field = fields.get(c).copied().unwrap_or("");
                field.parse().map_err(|_| {
                    format!(
                        "{}: line {}: '{field}' is not a number",
                        path.display(),
                        i + 2
                    )
                    .into()
                })
            };
            Ok(Row {
                articles: number(a)?,
                p50: number(p50)?,
                p99: number(p99)?,
            })
        })
        .collect()
}
