//! A panic is a bug, but the user must never face a blank page: the hook
//! logs it and shows a readable message over the page, whose DOM (and so
//! the user's results) stays in place.

/// Installs the panic hook.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show(&info.to_string());
    }));
}

fn show(message: &str) {
    #[cfg(target_arch = "wasm32")]
    {
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let Some(body) = doc.body() else { return };
        let Ok(div) = doc.create_element("div") else {
            return;
        };
        div.set_id("panic");
        div.set_class_name("panic");
        let _ = div.set_attribute("role", "alert");
        // Text content only: the message may contain user data.
        let zh = "运营计算器遇到内部错误。页面上的数据仍然保留；请重新加载页面后重试。";
        let en = "OpsCalc hit an internal error. The page keeps your data; reload to continue.";
        div.set_text_content(Some(&format!("{zh}\n{en}\n\n{message}")));
        let _ = body.append_child(&div);
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = message;
    }
}
