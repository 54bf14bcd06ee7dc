// jtbd review page: select items, play the recording at a quote, save decisions as they are made.
// No framework, no build step. Every decision is saved by a JSON POST; the page shows what the server saved.
(() => {
  "use strict";
  const main = document.querySelector("main[data-interview]");
  if (!main) return;
  const readJson = (id) => JSON.parse(document.getElementById(id).textContent);
  const meta = readJson("review-meta");
  let data = readJson("review-data");
  const interviewId = main.dataset.interview;
  const audio = document.getElementById("audio");
  const inspector = document.getElementById("inspector");
  const bar = document.getElementById("selection-bar");
  const TYPES = ["push", "pull", "anxiety", "habit"];
  const items = new Map();
  let selectedId = null;
  let span = null; // the transcript selection: {turn, start_char, end_char}

  // --- helpers ---------------------------------------------------------------
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
  const h = (tag, attrs = {}, ...children) => {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "class") el.className = v;
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else if (v !== false && v != null) el.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) if (c != null) el.append(c); // text goes in as text, never as HTML
    return el;
  };
  const toast = (text, error = false) => {
    const el = document.getElementById("toast");
    el.textContent = text;
    el.className = "toast" + (error ? " error" : "");
    el.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { el.hidden = true; }, error ? 5000 : 1800);
  };
  const api = async (path, body) => {
    const res = await fetch(`/api/i/${encodeURIComponent(interviewId)}${path}`, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body || {}),
    });
    const payload = await res.json().catch(() => ({}));
    if (!res.ok) {
      const detail = typeof payload.detail === "string" ? payload.detail : `could not save (HTTP ${res.status})`;
      toast(detail, true);
      throw new Error(detail);
    }
    return payload;
  };
  const reloadAt = (id) => {
    history.replaceState(null, "", id ? `#${id}` : location.pathname);
    location.reload();
  };
  const typeClass = (item) => (item.kind === "force" ? `t-${item.type}` : "t-other");

  // --- filters ---------------------------------------------------------------
  const passes = (item) => {
    const f = {};
    $$("[data-filter]").forEach((s) => { f[s.dataset.filter] = s.value; });
    const types = $$("[data-filter-type]").filter((c) => c.checked).map((c) => c.dataset.filterType);
    if (item.kind === "force" && !types.includes(item.type)) return false;
    if (f.stage && (item.stage || "none") !== f.stage) return false;
    if (f.extractor && item.extractor !== f.extractor) return false;
    if (f.verdict && item.verdict !== f.verdict) return false;
    return true;
  };
  const applyFilters = () => {
    $$("[data-item]").forEach((el) => {
      const item = items.get(el.dataset.item);
      el.classList.toggle("hidden-by-filter", !!item && !passes(item));
    });
    $$("mark[data-ids]").forEach((m) => {
      const shown = m.dataset.ids.split(" ").some((id) => items.has(id) && passes(items.get(id)));
      m.classList.toggle("filtered-out", !shown);
    });
  };
  const visibleOrder = () => data.items.filter(passes).map((i) => i.id);

  // --- state from the server -------------------------------------------------
  const undecidedText = (counts) => Object.entries(counts || {}).filter(([, n]) => n)
    .map(([kind, n]) => `${n} ${meta.kind_labels[kind].toLowerCase()}${n === 1 ? "" : "s"}`).join(", ");
  const load = (payload, { rerender = true } = {}) => {
    data = payload;
    items.clear();
    data.items.forEach((i) => items.set(i.id, i));
    for (const [type, n] of Object.entries(data.forces)) {
      const el = document.querySelector(`[data-count="${type}"]`);
      if (el) el.textContent = n;
    }
    const badge = document.querySelector("[data-state-badge]");
    if (badge) {
      badge.className = `badge state-${data.state}`;
      badge.textContent = meta.review_states[data.state];
    }
    const left = document.querySelector("[data-undecided]");
    if (left) left.textContent = undecidedText(data.undecided) ? `Still to decide: ${undecidedText(data.undecided)}` : "Every item decided";
    $$(".chip[data-item]").forEach((el) => {
      const item = items.get(el.dataset.item);
      if (!item) return;
      el.className = `chip ${typeClass(item)} v-${item.verdict}` + (item.id === selectedId ? " selected" : "");
      el.querySelector(".chip-type").textContent = item.type + (item.extractor === "human" ? " · added" : "");
    });
    $$(".other[data-item]").forEach((el) => {
      const item = items.get(el.dataset.item);
      if (item) el.className = `other v-${item.verdict}` + (item.id === selectedId ? " selected" : "");
    });
    $$("mark[data-ids]").forEach((m) => {
      const primary = items.get(m.dataset.ids.split(" ")[0]);
      if (!primary) return;
      const selected = m.dataset.ids.split(" ").includes(selectedId);
      m.className = `hl ${typeClass(primary)} v-${primary.verdict}` + (selected ? " selected" : "");
    });
    applyFilters();
    if (rerender && selectedId && items.has(selectedId)) renderInspector(items.get(selectedId));
  };

  // --- notes: saved as they are typed, and before anything moves away from them ---------
  // A note used to live only in its textarea until "Save note": Esc then j dropped it silently.
  const note = { id: null, saved: "", el: null, timer: null, pending: null };
  const noteDirty = () => note.el != null && note.el.value !== note.saved;
  const flushNote = () => {
    clearTimeout(note.timer);
    if (!noteDirty()) return note.pending || Promise.resolve();
    const id = note.id, value = note.el.value, status = inspector.querySelector(".saved");
    note.saved = value;
    if (status) status.textContent = "Saving note…";
    note.pending = api(`/items/${encodeURIComponent(id)}`, { note: value }).then((payload) => {
      load(payload, { rerender: false });
      if (status && status.isConnected) status.textContent = `Note saved ${new Date().toLocaleTimeString()}`;
    }).catch(() => {
      if (note.id === id && note.el) note.saved = null; // not saved: stays dirty, so leaving the page still warns
    }).finally(() => { note.pending = null; });
    return note.pending;
  };
  const watchNote = (el, item) => {
    Object.assign(note, { id: item.id, saved: item.note || "", el });
    el.addEventListener("input", () => { clearTimeout(note.timer); note.timer = setTimeout(flushNote, 800); });
    el.addEventListener("blur", flushNote);
  };
  window.addEventListener("beforeunload", (e) => {
    if (noteDirty() || note.pending) { flushNote(); e.preventDefault(); e.returnValue = ""; }
  });

  const save = async (changes) => {
    if (!selectedId) return toast("Select an item first (j / k)", true);
    await flushNote();
    const payload = await api(`/items/${encodeURIComponent(selectedId)}`, changes);
    if (changes.stage !== undefined || changes.span !== undefined) return reloadAt(selectedId); // it moves on the page
    load(payload);
    const saved = inspector.querySelector(".saved");
    if (saved) saved.textContent = `Saved ${new Date().toLocaleTimeString()}`;
  };

  // --- selection of an item ----------------------------------------------------
  const marksOf = (id) => $$("mark[data-ids]").filter((m) => m.dataset.ids.split(" ").includes(id));
  const play = (seconds) => {
    if (!audio || seconds == null) return false;
    audio.currentTime = seconds;
    audio.play().catch(() => {});
    return true;
  };
  const select = (id, { play: andPlay = false, scroll = true } = {}) => {
    const item = items.get(id);
    if (!item) return;
    flushNote(); // the note typed for the previous item is saved, not dropped
    selectedId = id;
    $$(".selected").forEach((el) => el.classList.remove("selected"));
    $$(`[data-item="${CSS.escape(id)}"]`).forEach((el) => el.classList.add("selected"));
    const marks = marksOf(id);
    marks.forEach((m) => m.classList.add("selected"));
    if (scroll) {
      marks[0]?.scrollIntoView({ block: "center", behavior: "smooth" });
      document.querySelector(`.chip[data-item="${CSS.escape(id)}"]`)?.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
    marks.forEach((m) => { m.classList.remove("flash"); void m.offsetWidth; m.classList.add("flash"); });
    history.replaceState(null, "", `#${id}`);
    renderInspector(item);
    if (andPlay) play(item.quote.start);
  };
  const step = (delta) => {
    const order = visibleOrder();
    if (!order.length) return;
    const at = order.indexOf(selectedId);
    const next = at < 0 ? (delta > 0 ? 0 : order.length - 1) : Math.min(Math.max(at + delta, 0), order.length - 1);
    select(order[next]);
  };

  // --- the inspector: one item's details and actions -------------------------
  const renderInspector = (item) => {
    const force = item.kind === "force";
    const q = item.quote;
    const verdictBtn = (verdict, label, cls, key) => h("button", {
      class: `btn ${cls}${item.verdict === verdict ? " on" : ""}`, title: `${label} (${key})`, "data-verdict": verdict,
      onclick: () => save({ verdict: item.verdict === verdict ? "pending" : verdict }),
    }, label);
    const stageSelect = h("select", { "aria-label": "Stage", onchange: (e) => save({ stage: e.target.value }) },
      h("option", { value: "", disabled: true, selected: !item.stage }, "Choose a stage…"),
      meta.stages.map((s) => h("option", { value: s, selected: item.stage === s }, meta.stage_labels[s])));
    const noteBox = h("textarea", { placeholder: "Your note: why this verdict, what to ask next time…", "aria-label": "Your note", maxlength: "5000" }, item.note);  // the server refuses longer notes (422)
    watchNote(noteBox, item);
    inspector.replaceChildren(...[
      h("div", { class: `kind ${typeClass(item)}` }, h("span", { class: "swatch" }),
        force ? `${item.type} force` : meta.kind_labels[item.kind],
        item.decided ? h("span", { class: "pill" }, "decided") : null),
      !force && item.label ? h("div", { class: "label" }, item.label) : null,
      h("blockquote", { class: typeClass(item) }, q.text),
      h("div", { class: "facts" },
        h("span", {}, `Turn ${item.turn_number}`), // numbers and times come formatted from the server (schemas/vocabulary.py)
        item.when ? h("span", {}, item.when) : null,
        h("span", {}, `by ${item.extractor}`),
        item.extractor !== "human" ? h("span", {}, `confidence ${Math.round(item.confidence * 100)}%`) : null),
      h("div", { class: "row" }, h("span", { class: "row-label" }, "Verdict"),
        verdictBtn("accepted", "Accept", "accept", "a"), verdictBtn("rejected", "Reject", "reject", "r"),
        audio && q.start != null ? h("button", { class: "btn", title: "Play (p)", onclick: () => play(q.start) }, "▶ Play") : null),
      force ? h("div", { class: "row" }, h("span", { class: "row-label" }, "Type"),
        TYPES.map((t, n) => h("button", {
          class: `btn small type-btn t-${t}${item.type === t ? " on" : ""}`, title: `${t} (${n + 1})`, "data-type": t,
          onclick: () => save({ type: t }),
        }, `${n + 1} ${t}`))) : null,
      h("div", { class: "row" }, h("span", { class: "row-label" }, "Stage"), stageSelect),
      item.cue ? h("div", { class: "row cue" }, h("span", { class: "row-label" }, meta.cue_label), h("span", { class: "cue-text" }, item.cue)) : null,
      h("div", { class: "row" }, h("span", { class: "row-label" }, "Your note"), noteBox,
        h("button", { class: "btn small", "data-save-note": true, onclick: () => flushNote() }, "Save note")),
      h("div", { class: "row muted" }, "To change the quote, select other text in the transcript, then “Set as quote”."),
      h("div", { class: "saved" }),
    ].filter(Boolean));
  };

  // --- text selection: add a force, or move the selected item's quote ----------
  const spanOf = (selection) => {
    if (!selection.rangeCount || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0);
    const textEl = (node) => (node.nodeType === 1 ? node : node.parentElement)?.closest(".text[data-turn]");
    const el = textEl(range.startContainer);
    if (!el || el !== textEl(range.endContainer)) return null;
    const offset = (node, at) => {
      const r = document.createRange();
      r.setStart(el, 0);
      r.setEnd(node, at);
      return r.toString().length;
    };
    const result = { turn: Number(el.dataset.turn), start_char: offset(range.startContainer, range.startOffset),
      end_char: offset(range.endContainer, range.endOffset), role: el.dataset.role };
    return result.end_char > result.start_char ? result : null;
  };
  const showBar = () => {
    const selection = window.getSelection();
    span = spanOf(selection);
    if (!span) { bar.hidden = true; return; }
    const rect = selection.getRangeAt(0).getBoundingClientRect();
    bar.hidden = false;
    bar.style.top = `${window.scrollY + rect.bottom + 8}px`;
    bar.style.left = `${Math.max(8, window.scrollX + rect.left)}px`;
    bar.querySelector("[data-set-quote]").disabled = !selectedId;
  };
  const stageAt = (turn) => {
    const found = meta.spans.find((s) => s.start_turn <= turn && turn <= s.end_turn);
    return found ? found.stage : undefined;
  };
  document.addEventListener("mouseup", (e) => { if (!bar.contains(e.target)) setTimeout(showBar, 0); });
  bar.addEventListener("mousedown", (e) => e.preventDefault()); // keep the text selected while clicking the bar
  $$("[data-add]", bar).forEach((btn) => btn.addEventListener("click", async () => {
    if (!span) return;
    if (span.role !== "participant") return toast("Forces come from the participant: select text in a participant turn", true);
    const { role, ...where } = span;
    const payload = await api("/items", { span: where, type: btn.dataset.add, stage: stageAt(where.turn) });
    reloadAt(payload.id);
  }));
  bar.querySelector("[data-set-quote]").addEventListener("click", () => {
    if (!span) return;
    const { role, ...where } = span;
    save({ span: where });
  });

  // --- personal data: redact selected words, keep a value in the clear, undo ---------------
  const redact = (action, texts, entity) => api("/redactions", { action, texts, entity }).then(() => reloadAt(selectedId));
  const redactBtn = bar.querySelector("[data-redact]");
  if (redactBtn) redactBtn.addEventListener("click", () => {
    const selected = window.getSelection().toString().trim();
    if (selected.length < 2) return toast("Select the words to redact", true);
    redact("add", [selected], bar.querySelector("[data-redact-entity]").value);
  });
  $$("[data-redact-keep]").forEach((b) => b.addEventListener("click", () => redact("remove", JSON.parse(b.dataset.redactKeep))));
  $$("[data-redact-undo]").forEach((b) => b.addEventListener("click", () => redact("undo", JSON.parse(b.dataset.redactUndo))));
  const masked = document.querySelector("[data-show-masked]");
  if (masked) {
    masked.checked = localStorage.getItem("jtbd-show-masked") === "1";
    const apply = () => { document.body.classList.toggle("show-masked", masked.checked); localStorage.setItem("jtbd-show-masked", masked.checked ? "1" : "0"); };
    masked.addEventListener("change", apply);
    apply();
  }

  // --- review state: only the researcher marks an interview reviewed -------------------
  const setState = async (state) => {
    await flushNote();
    const left = undecidedText(data.undecided);
    if (state === "reviewed" && left && !window.confirm(`Still to decide: ${left}. Mark this interview reviewed anyway?`)) return;
    await api("/state", { state });
    reloadAt(selectedId);
  };

  // --- clicks ----------------------------------------------------------------
  document.addEventListener("click", (e) => {
    const target = e.target.closest("[data-item], mark[data-ids], [data-seek], [data-set-state], [data-discard], [data-help], [data-help-close]");
    if (!target) return;
    if (target.matches("mark[data-ids]")) {
      if (!window.getSelection().isCollapsed) return; // the user is selecting text, not clicking a quote
      const ids = target.dataset.ids.split(" ").filter((id) => items.has(id) && passes(items.get(id)));
      if (!ids.length) return;
      const next = ids.includes(selectedId) ? ids[(ids.indexOf(selectedId) + 1) % ids.length] : ids[0];
      return select(next, { play: true, scroll: false });
    }
    if (target.dataset.item) return select(target.dataset.item, { play: true });
    if (target.dataset.seek) return play(Number(target.dataset.seek));
    if (target.dataset.setState) return setState(target.dataset.setState);
    if (target.dataset.discard) return api(`/orphans/${encodeURIComponent(target.dataset.discard)}/discard`).then(() => reloadAt(selectedId));
    if (target.matches("[data-help]")) return toggleHelp(true);
    if (target.matches("[data-help-close]")) return toggleHelp(false);
  });
  document.getElementById("help").addEventListener("click", (e) => { if (e.target.id === "help") toggleHelp(false); });
  $$("[data-filter], [data-filter-type]").forEach((el) => el.addEventListener("change", applyFilters));

  // --- keyboard --------------------------------------------------------------
  const help = document.getElementById("help");
  const toggleHelp = (show = help.hidden) => { help.hidden = !show; };
  document.addEventListener("keydown", (e) => {
    if (e.target.closest("input, textarea, select") || e.ctrlKey || e.metaKey || e.altKey) {
      if (e.key === "Escape") e.target.blur();
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && e.target.matches("#inspector textarea")) flushNote();
      return;
    }
    const item = selectedId && items.get(selectedId);
    const actions = {
      j: () => step(1), k: () => step(-1),
      a: () => save({ verdict: "accepted" }), r: () => save({ verdict: "rejected" }), u: () => save({ verdict: "pending" }),
      p: () => item && play(item.quote.start),
      n: () => inspector.querySelector("textarea")?.focus(),
      "?": () => toggleHelp(),
      Escape: () => { toggleHelp(false); bar.hidden = true; window.getSelection().removeAllRanges(); },
    };
    TYPES.forEach((t, n) => { actions[String(n + 1)] = () => (item && item.kind === "force" ? save({ type: t }) : null); });
    if (actions[e.key]) {
      e.preventDefault();
      actions[e.key]();
    }
  });

  // fade the journey map's right edge while more stages lie beyond it
  const lane = document.querySelector(".lane");
  const fade = () => lane && lane.classList.toggle("more-right", lane.scrollLeft + lane.clientWidth < lane.scrollWidth - 4);
  lane?.addEventListener("scroll", fade);
  window.addEventListener("resize", fade);
  fade();

  load(data);
  const fromHash = decodeURIComponent(location.hash.slice(1));
  if (items.has(fromHash)) select(fromHash);
})();
