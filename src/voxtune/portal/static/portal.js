// voxtune portal: wizards (one step at a time, then a review) and live status, no library.
// Without JavaScript every step shows at once and the form still posts.
"use strict";

function wizard(form) {
  const steps = Array.from(form.querySelectorAll("fieldset.step"));
  if (steps.length < 2) return;
  const submit = form.querySelector(".wizard-buttons button[type=submit]");
  const buttons = form.querySelector(".wizard-buttons");
  // data-review="no": the last step submits (the "+ Fine-tune" wizard's "Next" opens the project)
  const reviewed = form.dataset.review !== "no";
  const review = document.createElement("fieldset");
  review.className = "step review";
  review.innerHTML = "<legend>Review and create</legend><dl></dl>";
  if (reviewed) {
    buttons.before(review);
    steps.push(review);
  }
  const trail = document.createElement("ol");
  trail.className = "trail";
  steps.forEach((s) => {
    const li = document.createElement("li");
    li.textContent = s.dataset.step || s.querySelector("legend").textContent;
    trail.append(li);
  });
  form.prepend(trail);
  const back = document.createElement("button");
  back.type = "button";
  back.textContent = "Back";
  const next = document.createElement("button");
  next.type = "button";
  next.textContent = "Next";
  next.className = "primary";
  buttons.prepend(back, next);
  let at = 0;
  function fillReview() {
    const list = review.querySelector("dl");
    list.innerHTML = "";
    steps.slice(0, -1).forEach((s) => {
      s.querySelectorAll("input, select, textarea").forEach((el) => {
        if (el.type === "hidden" || el.closest(".hidden")) return;
        if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
        let label = form.querySelector(`label[for="${el.id}"]`) || el.closest("label");
        let value = el.type === "file" ? Array.from(el.files).map((f) => f.name).join(", ")
          : el.tagName === "SELECT" ? Array.from(el.selectedOptions).map((o) => o.text).join(", ")
          : (el.type === "radio" || el.type === "checkbox") ? (el.closest("label") || {}).textContent
          : el.value;
        if (el.type === "radio" || el.type === "checkbox") label = s.querySelector("legend");
        if (!value) return;
        const dt = document.createElement("dt");
        dt.textContent = label ? label.textContent.trim() : el.name;
        const dd = document.createElement("dd");
        dd.textContent = String(value).trim();
        list.append(dt, dd);
      });
    });
  }
  function show(i) {
    at = i;
    steps.forEach((s, j) => { s.hidden = j !== i; });
    Array.from(trail.children).forEach((li, j) => {
      li.classList.toggle("current", j === i);
      if (j === i) li.setAttribute("aria-current", "step"); else li.removeAttribute("aria-current");
    });
    back.hidden = i === 0;
    next.hidden = i === steps.length - 1;
    submit.hidden = i !== steps.length - 1;
    if (reviewed && i === steps.length - 1) fillReview();
    const first = steps[i].querySelector("input:not([type=hidden]), select, textarea, button");
    if (first) first.focus();
  }
  function valid(step) {
    return Array.from(step.querySelectorAll("input, select, textarea"))
      .filter((el) => !el.closest("[hidden]") || el.closest("fieldset") === step)
      .every((el) => el.reportValidity());
  }
  next.addEventListener("click", () => { if (valid(steps[at])) show(at + 1); });
  back.addEventListener("click", () => show(at - 1));
  form.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && e.target.tagName === "INPUT" && at < steps.length - 1) {
      e.preventDefault();
      next.click();
    }
  });
  form.addEventListener("submit", () => { submit.disabled = true; submit.textContent += "..."; });
  show(0);
}

const DONE = new Set(["Succeeded", "Failed"]);

function poll(el) {
  const url = el.dataset.poll;
  async function tick() {
    try {
      const r = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (r.ok) {
        const s = await r.json();
        const text = s.percent != null && !DONE.has(s.status) ? `${s.label} (${s.percent}%)` : s.label;
        if (el.textContent !== text) el.textContent = text;
        el.dataset.status = s.status;
        if (DONE.has(s.status)) {
          if (el.dataset.reload !== undefined && el.dataset.initial !== s.status) location.reload();
          return;
        }
      }
    } catch (e) { /* the server restarts: try again */ }
    setTimeout(tick, 1500);
  }
  el.dataset.initial = el.dataset.status || "";
  if (!DONE.has(el.dataset.status)) setTimeout(tick, 1000);
}

function copyButtons() {
  document.querySelectorAll("[data-copy]").forEach((button) => {
    button.addEventListener("click", async () => {
      const source = document.getElementById(button.dataset.copy);
      try {
        await navigator.clipboard.writeText(source.textContent);
        button.textContent = "Copied";
      } catch (e) {
        const range = document.createRange();
        range.selectNodeContents(source);
        getSelection().removeAllRanges();
        getSelection().addRange(range);
      }
    });
  });
}

// Parts of a form shown only for one choice: data-when="name=value" (a radio group's value);
// hidden parts' controls are disabled and unchecked, so they are neither posted nor reviewed.
function conditionals(form) {
  const parts = Array.from(form.querySelectorAll("[data-when]"));
  if (!parts.length) return;
  function update() {
    parts.forEach((part) => {
      const [name, value] = part.dataset.when.split("=");
      const chosen = form.querySelector(`input[name="${name}"]:checked`);
      const on = chosen !== null && chosen.value === value;
      part.hidden = !on;
      part.querySelectorAll("input, select, textarea").forEach((el) => {
        el.disabled = !on;
        if (!on && (el.type === "radio" || el.type === "checkbox")) el.checked = false;
      });
    });
  }
  form.addEventListener("change", update);
  update();
}

// Checkboxes that switch a class on another element: data-toggle-class="hide-sub"
// data-target="<element id>" adds the class while the box is unchecked.
function classToggles() {
  document.querySelectorAll("input[data-toggle-class]").forEach((box) => {
    const target = document.getElementById(box.dataset.target);
    if (!target) return;
    const sync = () => target.classList.toggle(box.dataset.toggleClass, !box.checked);
    box.addEventListener("change", sync);
    sync();
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form").forEach(conditionals);
  classToggles();
  document.querySelectorAll("form.wizard").forEach(wizard);
  document.querySelectorAll("[data-poll]").forEach(poll);
  copyButtons();
});
