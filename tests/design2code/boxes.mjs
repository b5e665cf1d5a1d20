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
  // `instance`: the id of the innermost expanded instance, null outside one. `matrix` maps the
  // parent's unrotated frame to page coordinates ([a, b, c, d, e, f] as in CSS matrix()), so a
  // node inside rotated ones gets the bounding box of its rotated outline.
  const walk = (n, instance, ox, oy, hidden, overrides = {}, matrix = null) => {
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
    const own_matrix = place(matrix ?? [1, 0, 0, 1, ox, oy], own.x ?? n.x ?? 0, own.y ?? n.y ?? 0,
                             width, height, n.rotation || 0);
    const rotated = matrix !== null || (n.rotation || 0) !== 0;
    out.push({ id, name: n.name, x, y, width, height, hidden: isHidden, text,
               bounds: rotated ? outlineBounds(own_matrix, width, height) : null });
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
    children.forEach((c) => walk(c, childInstance, x, y, isHidden, childOverrides,
                                 rotated ? own_matrix : null));
  };
  walk(page, null, -page.x || 0, -page.y || 0, false);
  return out;
}

// `parent` (a CSS matrix) times the node's own placement: moved to x, y and rotated clockwise by
// `degrees` about its centre, as transform: rotate() does.
function place(parent, x, y, width, height, degrees) {
  const r = (degrees * Math.PI) / 180;
  const cos = Math.cos(r);
  const sin = Math.sin(r);
  const cx = x + width / 2;
  const cy = y + height / 2;
  // translate(cx, cy) rotate(r) translate(-w/2, -h/2)
  const local = [cos, sin, -sin, cos,
                 cx - cos * (width / 2) + sin * (height / 2),
                 cy - sin * (width / 2) - cos * (height / 2)];
  const [a, b, c, d, e, f] = parent;
  const [a2, b2, c2, d2, e2, f2] = local;
  return [a * a2 + c * b2, b * a2 + d * b2, a * c2 + c * d2, b * c2 + d * d2,
          a * e2 + c * f2 + e, b * e2 + d * f2 + f];
}

// The axis-aligned bounds of a width x height box drawn through matrix `m`.
function outlineBounds(m, width, height) {
  const [a, b, c, d, e, f] = m;
  const xs = [];
  const ys = [];
  for (const [px, py] of [[0, 0], [width, 0], [0, height], [width, height]]) {
    xs.push(a * px + c * py + e);
    ys.push(b * px + d * py + f);
  }
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}

// Runs in the page: every element's box by data-node-id (runs of mixed-style text excluded),
// measured with transforms off because the design's geometry is a node's before its rotation.
export function readBoxes() {
  const boxes = {};
  // First as drawn, rotations included: the bounds of rotated outlines.
  const drawn = {};
  for (const el of document.querySelectorAll('[data-node-id]:not([data-run])')) {
    const r = el.getBoundingClientRect();
    drawn[el.dataset.nodeId] = { x: r.x, y: r.y, width: r.width, height: r.height };
  }
  for (const el of document.querySelectorAll('[data-node-id]:not([data-run])')) {
    el.style.transform = 'none';
  }
  for (const el of document.querySelectorAll('[data-node-id]:not([data-run])')) {
    const r = el.getBoundingClientRect();
    const shown = getComputedStyle(el).display !== 'none' && el.getClientRects().length > 0;
    boxes[el.dataset.nodeId] = { x: r.x, y: r.y, width: r.width, height: r.height, shown,
                                 text: el.textContent, count: (boxes[el.dataset.nodeId]?.count ?? 0) + 1,
                                 drawn: drawn[el.dataset.nodeId] };
  }
  return boxes;
}

// One line per node that misses its design box or text; `totals` counts nodes and passes, and
// (rotated, rotatedPassed) the shown nodes that are rotated or inside rotated ones, whose drawn
// bounds are compared too.
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
      if (!problem && want.bounds) {
        totals.rotated = (totals.rotated ?? 0) + 1;
        for (const k of ['x', 'y', 'width', 'height']) {
          if (Math.abs(got.drawn[k] - want.bounds[k]) > tolerance) {
            problem = `rotated bounds ${k} is ${got.drawn[k]}, the design says ${want.bounds[k]}`;
            break;
          }
        }
        if (!problem) totals.rotatedPassed = (totals.rotatedPassed ?? 0) + 1;
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
