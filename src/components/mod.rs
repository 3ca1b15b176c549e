//! The page's components, one per file.

mod attack_panel;
mod digit_canvas;
mod draw_canvas;
mod gallery;
mod probabilities;
mod result_view;
mod upload;

pub use attack_panel::AttackPanel;
pub use digit_canvas::DigitCanvas;
pub use draw_canvas::DrawCanvas;
pub use gallery::Gallery;
pub use probabilities::Probabilities;
pub use result_view::ResultView;
pub use upload::Upload;
