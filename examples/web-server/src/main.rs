//! A tokio + serde JSON service, as the article behind cargo-lto pictures
//! one: `POST /orders` takes an order (a customer and its lines), prices
//! it and answers with the totals as JSON; `GET /health` says `ok`.
//! `web-server [--port N]` (or `PORT`). It handles Ctrl-C; SIGTERM (what a
//! service manager sends) kills it as it kills most servers.

use axum::{Json, Router, routing::get, routing::post};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
struct Order {
    customer: String,
    currency: String,
    lines: Vec<Line>,
    #[serde(default)]
    coupon: Option<String>,
}

#[derive(Deserialize)]
struct Line {
    sku: String,
    quantity: u32,
    unit_price_cents: u64,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Serialize)]
struct Priced {
    customer: String,
    currency: String,
    lines: usize,
    items: u64,
    subtotal_cents: u64,
    discount_cents: u64,
    tax_cents: u64,
    total_cents: u64,
    skus: Vec<String>,
}

/// Prices an order: each line's amount, a 10% coupon, 8.25% tax on taxable lines.
async fn price(Json(order): Json<Order>) -> Json<Priced> {
    let mut subtotal = 0u64;
    let mut taxable = 0u64;
    let mut items = 0u64;
    let mut skus = Vec::with_capacity(order.lines.len());
    for line in &order.lines {
        let amount = line.unit_price_cents * u64::from(line.quantity);
        subtotal += amount;
        items += u64::from(line.quantity);
        if !line.tags.iter().any(|t| t == "exempt") {
            taxable += amount;
        }
        skus.push(line.sku.to_ascii_uppercase());
    }
    skus.sort_unstable();
    skus.dedup();
    let discount = match order.coupon.as_deref() {
        Some("TEN") => subtotal / 10,
        _ => 0,
    };
    let tax = (taxable.saturating_sub(discount) * 825).div_ceil(10_000);
    Json(Priced {
        customer: order.customer,
        currency: order.currency,
        lines: order.lines.len(),
        items,
        subtotal_cents: subtotal,
        discount_cents: discount,
        tax_cents: tax,
        total_cents: subtotal - discount + tax,
        skus,
    })
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let port = args
        .iter()
        .position(|a| a == "--port")
        .and_then(|i| args.get(i + 1).cloned())
        .or_else(|| std::env::var("PORT").ok())
        .unwrap_or_else(|| "3000".into());
    let app = Router::new()
        .route("/health", get(|| async { "ok" }))
        .route("/orders", post(price));
    let listener = match tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("web-server: cannot listen on port {port}: {e}");
            std::process::exit(1);
        }
    };
    println!("listening on http://127.0.0.1:{port}");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .expect("serving");
}
