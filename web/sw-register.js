// Registers the service worker (offline use) and, when a new version has
// been downloaded, offers to reload into it. Plain DOM so it works even if
// the wasm app fails to start; text follows the page's language.
(function () {
  if (!("serviceWorker" in navigator)) return;
  const zh = () => (document.documentElement.lang || "zh").startsWith("zh");
  function offer(waiting) {
    if (document.querySelector(".update-banner")) return;
    const bar = document.createElement("div");
    bar.className = "update-banner";
    bar.setAttribute("role", "status");
    bar.dataset.testid = "update-banner";
    const text = document.createElement("span");
    text.textContent = zh() ? "新版本可用。" : "A new version is available.";
    const button = document.createElement("button");
    button.textContent = zh() ? "重新加载" : "Reload";
    button.addEventListener("click", () => {
      updating = true;
      waiting.postMessage({ type: "skip-waiting" });
    });
    bar.append(text, button);
    document.body.append(bar);
  }
  // Reload only when the user chose to update (a first install also takes
  // control of the page, and must not reload it under the user's hands).
  let updating = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (!updating) return;
    updating = false;
    location.reload();
  });
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js").then((reg) => {
      if (reg.waiting && navigator.serviceWorker.controller) offer(reg.waiting);
      reg.addEventListener("updatefound", () => {
        const w = reg.installing;
        w?.addEventListener("statechange", () => {
          if (w.state === "installed" && navigator.serviceWorker.controller) offer(w);
        });
      });
    }).catch(() => { /* offline use is a bonus; the app works without it */ });
  });
})();
