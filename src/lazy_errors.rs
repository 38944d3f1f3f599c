//! The Chinese error translations (`error_text`, `failure_text` and the
//! core's error templates they match) as a wasm chunk of their own: they
//! were 19 KB of the gzipped first load (258.2 -> 239.1 KB), and the home
//! page shows no error (issue 11's 250 KB budget). Calculator pages are
//! chunks already and call `error_text` directly; what the main module
//! shows (the page error boundary, saving and workspace problems) goes
//! through [`error_in`] here.
//!
//! A Chinese reader gets the chunk with the first page that can show an
//! error ([`preload`]: every page but home), so an error is translated when
//! it appears, offline too (the service worker precaches every chunk).
//! Should an error come before the chunk, its line stays empty until the
//! chunk is in, then shows translated: never a flash of English. Only if
//! the chunk cannot load at all is the core's English message shown, as it
//! is to English readers.
//!
//! Only with the `split` feature (Trunk's build, index.html): a wasm that
//! wasm-split never cuts, such as the component tests', would be left with
//! the chunk's placeholder imports and fail to load, so it links the
//! translations in.

use crate::i18n::Lang;
use leptos::prelude::*;

/// `error_text::error_in`, called through the chunk.
#[cfg(all(target_arch = "wasm32", feature = "split"))]
type Translate = fn(&str, Lang) -> String;

/// Where loading the chunk stands.
#[cfg(all(target_arch = "wasm32", feature = "split"))]
#[derive(Clone, Copy)]
enum Load {
    NotStarted,
    Loading,
    Ready(Translate),
    Failed,
}

#[cfg(all(target_arch = "wasm32", feature = "split"))]
thread_local! {
    static LOAD: ArcRwSignal<Load> = ArcRwSignal::new(Load::NotStarted);
}

/// The translator: its code and texts move into the chunk with it.
/// `fallible`: a chunk that cannot load is an `Err`, not a panic (which
/// would abort the app).
#[cfg(all(target_arch = "wasm32", feature = "split"))]
#[leptos::wasm_split::wasm_split(
    opscalc_error_texts,
    wasm_split_path = ::leptos::wasm_split,
    fallible
)]
fn translator() -> Result<Translate, leptos::wasm_split::SplitLoaderError> {
    Ok(crate::error_text::error_in)
}

/// Starts loading the chunk unless it is loading or in; after a failure
/// it tries again.
fn start_loading() {
    #[cfg(all(target_arch = "wasm32", feature = "split"))]
    {
        let go = LOAD.with(|l| {
            let go = l.with_untracked(|s| matches!(s, Load::NotStarted | Load::Failed));
            if go {
                l.set(Load::Loading);
            }
            go
        });
        if go {
            leptos::task::spawn_local(async {
                let load = match translator().await {
                    Ok(t) => Load::Ready(t),
                    Err(_) => Load::Failed,
                };
                LOAD.with(|l| l.set(load));
            });
        }
    }
}

/// An import or calculation error in a language, as
/// `error_text::error_in` says it; in the browser reactive: empty while
/// the translations are loading (see the module doc).
///
/// # Example
/// ```
/// use opscalc_web::{i18n::Lang, lazy_errors::error_in};
/// let e = "the window must be at least 1 day";
/// assert_eq!(error_in(e, Lang::En), e);
/// assert_eq!(error_in(e, Lang::ZhTw), "區間至少為 1 天。");
/// ```
pub fn error_in(error: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return error.to_string();
    }
    #[cfg(not(all(target_arch = "wasm32", feature = "split")))]
    {
        crate::error_text::error_in(error, lang)
    }
    #[cfg(all(target_arch = "wasm32", feature = "split"))]
    match LOAD.with(|l| l.get()) {
        Load::Ready(translate) => translate(error, lang),
        Load::Failed => error.to_string(),
        Load::NotStarted | Load::Loading => {
            start_loading();
            String::new()
        }
    }
}

/// Loads the chunk for a Chinese reader. Every page but home calls it
/// as it opens (`lazy_routes`): pages are where errors show, and the home
/// page loads no chunk at all (tests/e2e/split.test.mjs).
pub fn preload(lang: Lang) {
    if lang != Lang::En {
        start_loading();
    }
}

/// Loads the chunk when the reader switches to Chinese after start.
pub fn provide(app: crate::state::AppState) {
    Effect::new(move |before: Option<Lang>| {
        let lang = app.lang.get();
        if before.is_some_and(|b| b != lang) {
            preload(lang);
        }
        lang
    });
}
