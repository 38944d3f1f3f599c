// Chart to PNG (src/pages/common.rs calls it): the chart's SVG is drawn on
// a canvas at twice its size over a white background, then downloaded.
// Everything stays in the page: a Blob URL, never a request.
export function svgToPng(id, filename) {
  const svg = document.getElementById(id);
  if (!svg) return Promise.resolve(false);
  const box = svg.viewBox && svg.viewBox.baseVal && svg.viewBox.baseVal.width
    ? svg.viewBox.baseVal
    : svg.getBoundingClientRect();
  const width = Math.max(1, Math.round(box.width));
  const height = Math.max(1, Math.round(box.height));
  const copy = svg.cloneNode(true);
  copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  copy.setAttribute("width", String(width));
  copy.setAttribute("height", String(height));
  // Text uses currentColor: give it the page's text colour on white paper.
  copy.setAttribute("color", "#1f2937");
  copy.setAttribute("font-family", getComputedStyle(document.body).fontFamily || "sans-serif");
  const text = new XMLSerializer().serializeToString(copy);
  const url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml;charset=utf-8" }));
  return new Promise((resolve) => {
    const img = new Image();
    img.onload = () => {
      const scale = 2;
      const canvas = document.createElement("canvas");
      canvas.width = width * scale;
      canvas.height = height * scale;
      const ctx = canvas.getContext("2d");
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.scale(scale, scale);
      ctx.drawImage(img, 0, 0, width, height);
      URL.revokeObjectURL(url);
      canvas.toBlob((blob) => {
        if (!blob) return resolve(false);
        const link = URL.createObjectURL(blob);
        const a = document.createElement("a");
        a.href = link;
        a.download = filename;
        a.click();
        setTimeout(() => URL.revokeObjectURL(link), 1000);
        resolve(true);
      }, "image/png");
    };
    img.onerror = () => { URL.revokeObjectURL(url); resolve(false); };
    img.src = url;
  });
}
