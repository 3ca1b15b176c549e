//! The UI wing: the page's state and every change to it (`state`, `photo_state`, the by-hand
//! brush's `hand`), the link that carries it (`link`), the orchestration of each panel
//! (`control`), the components, and the pictures they draw (`colour`, `ink`, `picture`,
//! `pixels`).

pub mod challenge;
pub mod colour;
pub mod hand;
pub mod link;
pub mod method_text;
pub mod photo_state;
pub mod quiz;
pub mod state;
pub mod train_state;
pub mod view;

#[cfg(all(target_arch = "wasm32", feature = "cpu"))]
pub mod app;
#[cfg(all(target_arch = "wasm32", feature = "cpu"))]
pub mod components;
#[cfg(all(target_arch = "wasm32", feature = "cpu"))]
pub mod control;
#[cfg(target_arch = "wasm32")]
pub mod ink;
#[cfg(target_arch = "wasm32")]
pub mod picture;
#[cfg(target_arch = "wasm32")]
pub mod pixels;
