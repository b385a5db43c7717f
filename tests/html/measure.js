// Injected by the tests into a copy of an HTML edition (the edition itself has no script).
// Loaded in a 360 px wide frame (headless Chromium's window cannot be that narrow), it
// measures the page as Chromium laid it out and posts the result, as JSON, to the page
// around it, which keeps it for --dump-dom. Nothing here changes the layout.
// An element inside a box that scrolls sideways (a wide table, a code block) is scrolled there,
// not off the page: only what lies outside every such box counts as overflowing.
function insideScrollingBox(el) {
  for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
    if (getComputedStyle(box).overflowX !== "visible") return true;
  }
  return false;
}

window.addEventListener("load", () => {
  const width = window.innerWidth;
  const images = Array.from(document.images).map((img) => {
    const box = img.getBoundingClientRect();
    return { left: box.left, right: box.right, width: box.width, natural: img.naturalWidth, complete: img.complete };
  });
  const unresolved = Array.from(document.querySelectorAll('a[href^="#"]'))
    .map((a) => decodeURIComponent(a.getAttribute("href").slice(1)))
    .filter((id) => !document.getElementById(id));
  const overflowing = Array.from(document.body.querySelectorAll("*"))
    .filter((el) => el.getBoundingClientRect().right > width + 0.5 || el.getBoundingClientRect().left < -0.5)
    .filter((el) => !insideScrollingBox(el))
    .slice(0, 10)
    .map((el) => el.tagName + "." + el.className + " " + (el.textContent || "").slice(0, 40));
  // Where each paragraph's first line sits: its glyph boxes against the paragraph's content box.
  const paragraphs = Array.from(document.querySelectorAll("main p")).map((p) => {
    const range = document.createRange();
    range.selectNodeContents(p);
    const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0);
    const outer = p.getBoundingClientRect();
    const style = getComputedStyle(p);
    const box = {
      left: outer.left + parseFloat(style.borderLeftWidth) + parseFloat(style.paddingLeft),
      right: outer.right - parseFloat(style.borderRightWidth) - parseFloat(style.paddingRight),
    };
    const top = Math.min(...rects.map((r) => r.top));
    const line = rects.filter((r) => r.top < top + 2);
    return {
      direction: style.direction,
      gapLeft: Math.min(...line.map((r) => r.left)) - box.left,
      gapRight: box.right - Math.max(...line.map((r) => r.right)),
      text: p.textContent.slice(0, 30),
    };
  });
  parent.postMessage(
    JSON.stringify({
      width,
      scrollWidth: document.documentElement.scrollWidth,
      bodyDirection: getComputedStyle(document.body).direction,
      images,
      unresolved,
      overflowing,
      paragraphs,
    }),
    "*",
  );
});
