// The moderator's desk: decide each comment of the queue in place, and with one key each.
// Without this script every button still works: it posts the queue's form and comes back.
(function () {
  "use strict";
  const form = document.getElementById("changelist-form");
  const help = document.getElementById("desk-keys");
  if (!form || !form.querySelector(".desk-card")) return;
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const undoable = [];
  let current = null;

  function rows() {
    return Array.from(form.querySelectorAll("#result_list tbody tr")).filter(
      (row) =>
        row.querySelector(".desk-card") &&
        !row.classList.contains("desk-done") &&
        !row.classList.contains("desk-busy")
    );
  }

  function select(row, { focus = true } = {}) {
    if (!row) return;
    if (current) current.classList.remove("desk-current");
    current = row;
    row.classList.add("desk-current");
    if (focus) {
      row.tabIndex = -1;
      row.focus({ preventScroll: true });
      row.scrollIntoView({ block: "nearest" });
    }
  }

  function step(by) {
    const all = rows();
    const at = all.indexOf(current);
    select(all[Math.min(Math.max(at + by, 0), all.length - 1)]);
  }

  // One request at a time, in the order the keys were pressed: a moderator typing "aaaa" sends
  // four decisions one after another, never four at once.
  let inFlight = Promise.resolve();

  function post(url, data) {
    data.append("csrfmiddlewaretoken", csrf);
    const send = () => fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then((response) => {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    });
    const answer = inFlight.then(send, send);
    inFlight = answer.catch(() => null);
    return answer;
  }

  function outcome(row, message, undoUrl) {
    const cell = document.createElement("td");
    cell.className = "desk-outcome";
    cell.colSpan = row.cells.length;
    const said = document.createElement("span");
    said.setAttribute("role", "status");
    said.textContent = message;
    cell.append(said);
    if (undoUrl) {
      const entry = { row, url: undoUrl };
      const undo = document.createElement("button");
      undo.type = "button";
      undo.className = "desk-undo";
      undo.textContent = help.dataset.undoLabel;
      undo.addEventListener("click", () => undoDecision(entry));
      cell.append(" · ", undo);
      undoable.push(entry);
    }
    row.classList.add("desk-done");
    row.append(cell);
  }

  function decide(button) {
    const row = button.closest("tr");
    if (row.classList.contains("desk-busy")) return;
    const pk = row.querySelector(".desk-card").dataset.comment;
    const data = new FormData();
    data.append("decide", button.value);
    const reason = row.querySelector(`input[name="reason-${pk}"]`);
    if (reason) data.append(reason.name, reason.value);
    // The next comment is chosen at once, so that a key pressed again decides the next one.
    const following = rows()[rows().indexOf(row) + 1];
    row.classList.add("desk-busy");
    if (row === current) select(following);
    post(button.formAction, data)
      .then((answer) => {
        row.classList.remove("desk-busy");
        outcome(row, answer.message, answer.undo);
      })
      .catch(() => {
        // No answer the script understands: let the browser post the form as it would without it.
        row.classList.remove("desk-busy");
        button.dataset.plain = "1";
        form.requestSubmit(button);
      });
  }

  function undoDecision(entry) {
    const index = undoable.indexOf(entry);
    if (index >= 0) undoable.splice(index, 1);
    post(entry.url, new FormData()).then((answer) => {
      const cell = entry.row.querySelector(".desk-outcome");
      if (answer.undone) {
        cell.remove();
        entry.row.classList.remove("desk-done");
        select(entry.row);
      } else {
        cell.querySelector("[role=status]").textContent = answer.message;
        cell.querySelector(".desk-undo").remove();
      }
    });
  }

  form.addEventListener("click", (event) => {
    const button = event.target.closest("button[name=decide]");
    if (!button || button.dataset.plain) return;
    event.preventDefault();
    decide(button);
  });

  form.addEventListener("keydown", (event) => {
    // Enter in a reason field would otherwise run the bulk action bar's Go.
    if (event.key === "Enter" && event.target.matches(".desk-reason input")) {
      event.preventDefault();
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    const key = event.key;
    if (key === "?") {
      help.hidden = !help.hidden;
    } else if (key === "j" || key === "k") {
      if (!current) select(rows()[0]);
      else step(key === "j" ? 1 : -1);
    } else if (key === "a" || key === "r" || key === "s" || key === "e") {
      if (!current || current.classList.contains("desk-done")) select(rows()[0]);
      const button = current && current.querySelector(`button[data-key="${key}"]`);
      if (button) decide(button);
    } else if (key === "u") {
      const last = undoable.pop();
      if (last) undoDecision(last);
    } else {
      return;
    }
    event.preventDefault();
  });

  select(rows()[0], { focus: false });
})();
