//! The page's components, one per file.

mod attack_panel;
mod digit_canvas;
mod draw_canvas;
mod embed_bar;
mod gallery;
mod header;
mod probabilities;
mod reproduce_panel;
mod result_view;
mod share;
mod stability_panel;
mod transfer_panel;
mod units_panel;
mod upload;

pub use attack_panel::AttackPanel;
pub use digit_canvas::DigitCanvas;
pub use draw_canvas::DrawCanvas;
pub use embed_bar::EmbedBar;
pub use gallery::Gallery;
pub use header::Header;
pub use probabilities::Probabilities;
pub use reproduce_panel::ReproducePanel;
pub use result_view::ResultView;
pub use share::Share;
pub use stability_panel::StabilityPanel;
pub use transfer_panel::TransferPanel;
pub use units_panel::UnitsPanel;
pub use upload::Upload;
