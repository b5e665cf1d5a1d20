// What every fidelity suite checks, whatever the target: the boxes a design promises for its
// nodes (by data-node-id, in page coordinates), the boxes Chromium lays out, and the comparison
// of the two within a tolerance.

// Figma's name for node `id` of the component an instance `instance` shows: "I<instance>;<id>",
// where ids already of that form ("I<a>;<b>") drop their "I", so nesting chains: I<a>;<b>;<c>.
export function expandedId(instance, id) {
  const core = (s) => (s.length > 1 && s.startsWith('I') && s.includes(';') ? s.slice(1) : s);
  return `I${core(instance)};${core(id)}`;
}

// The boxes the design promises, by data-node-id, in page coordinates. Instances without
// children of their own show their component's children, with ids expandedId(instance, child),
// and with the instance's overrides of text, visibility and geometry.
export function expectedBoxes(doc, page) {
  const components = new Map();
  const collect = (n) => {
    if (n.type === 'component') components.set(n.id, n);
    (n.children || []).forEach(collect);
  };
  doc.children.forEach(collect);
  const out = [];
  // `overrides`: the enclosing instances' overrides still to apply here, by id below this level
  // ("<id>" for this level's nodes, "<nested instance id>;<id>" deeper), outer ones first.
  // `instance`: the id of the innermost expanded instance, null outside one.
  const walk = (n, instance, ox, oy, hidden, overrides = {}) => {
    const id = instance === null ? n.id : expandedId(instance, n.id);
    const own = overrides[n.id] ?? {};
    const x = ox + (own.x ?? n.x ?? 0);
    const y = oy + (own.y ?? n.y ?? 0);
    const width = own.width ?? n.width;
    const height = own.height ?? n.height;
    const isHidden = hidden || (own.visible ?? n.visible) === false;
    let text = null;
    if (n.type === 'text') {
      text = own.characters ??
             (n.text.runs ? n.text.runs.map((r) => r.text).join('') : (n.text.characters ?? ''));
    }
    out.push({ id, name: n.name, x, y, width, height, hidden: isHidden, text });
    let children = n.children || [];
    let childInstance = instance;
    let childOverrides = {};
    if (n.type === 'instance' && children.length === 0 && components.has(n.componentId)) {
      children = components.get(n.componentId).children || [];
      childInstance = id;
      // Keys handed down from outside ("<this id>;<rest>") win over this instance's own.
      childOverrides = { ...(n.overrides || {}) };
      for (const [key, value] of Object.entries(overrides)) {
        if (key.startsWith(n.id + ';')) {
          const rest = key.slice(n.id.length + 1);
          childOverrides[rest] = { ...(childOverrides[rest] || {}), ...value };
        }
      }
    } else {
      childOverrides = overrides;
    }
    children.forEach((c) => walk(c, childInstance, x, y, isHidden, childOverrides));
  };
  walk(page, null, -page.x || 0, -page.y || 0, false);
  return out;
}

// Runs in the page: every element's box by data-node-id (runs of mixed-style text excluded),
// measured with transforms off because the design's geometry is a node's before its rotation.
export function readBoxes() {
  const boxes = {};
  for (const el of document.querySelectorAll('[data-node-id]:not([data-run])')) {
    el.style.transform = 'none';
  }
  for (const el of document.querySelectorAll('[data-node-id]:not([data-run])')) {
    const r = el.getBoundingClientRect();
    const shown = getComputedStyle(el).display !== 'none' && el.getClientRects().length > 0;
    boxes[el.dataset.nodeId] = { x: r.x, y: r.y, width: r.width, height: r.height, shown,
                                 text: el.textContent, count: (boxes[el.dataset.nodeId]?.count ?? 0) + 1 };
  }
  return boxes;
}

// One line per node that misses its design box or text; `totals` counts nodes and passes.
export function compareBoxes(doc, page, boxes, tolerance, totals) {
  const failures = [];
  for (const want of expectedBoxes(doc, page)) {
    totals.nodes += 1;
    const got = boxes[want.id];
    let problem = null;
    if (!got) problem = 'no element carries this data-node-id';
    else if (got.count !== 1) problem = `${got.count} elements carry this data-node-id`;
    else if (want.hidden) problem = got.shown ? 'hidden in the design but shown' : null;
    else if (!got.shown) problem = 'not shown';
    else {
      for (const k of ['x', 'y', 'width', 'height']) {
        if (Math.abs(got[k] - want[k]) > tolerance) {
          problem = `${k} is ${got[k]}, the design says ${want[k]}`;
          break;
        }
      }
      if (!problem && want.text !== null && got.text !== want.text) {
        problem = `text is ${JSON.stringify(got.text)}, the design says ` +
                  JSON.stringify(want.text);
      }
    }
    if (problem) failures.push(`${want.id} (${want.name}): ${problem}`);
    else totals.passed += 1;
  }
  return failures;
}
