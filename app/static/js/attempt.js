// Quiz pages: save answers as the student goes, keep their place when Enter saves a text answer, warn about
// an ordering that repeats an item, show times in the student's local time, and count down to the deadline.
(function () {
  "use strict";
  var form = document.getElementById("attempt-form");
  var status = document.getElementById("autosave-status");

  // --- autosave -----------------------------------------------------------------------------------
  if (form && status && window.fetch && window.FormData) {
    var timer = null;
    var save = function () {
      var data = new FormData(form);
      data.set("go", "save");
      data.set("focus", "");
      fetch(form.action, {method: "POST", body: data, credentials: "same-origin",
                          headers: {"X-Parley-Autosave": "1"}})
        .then(function (response) {
          if (response.status === 204) {
            status.textContent = "All answers saved at " + new Date().toLocaleTimeString() + ".";
          } else if (response.status === 409) {
            window.location.reload();
          } else {
            status.textContent = "Could not save just now; your answers will be saved when you change page.";
          }
        })
        .catch(function () { status.textContent = "Offline: your answers will be saved when you change page."; });
    };
    var later = function () { clearTimeout(timer); timer = setTimeout(save, 800); };
    form.addEventListener("change", later);
    form.addEventListener("input", later);
  }

  // --- Enter in a text answer: save, then come back to the same field --------------------------------
  if (form) {
    var isTextAnswer = function (el) {
      return el && el.tagName === "INPUT" && el.type === "text" && el.id && form.contains(el);
    };
    // Enter presses the form's first button ("save"); at that moment focus is still in the text field.
    form.addEventListener("submit", function (event) {
      var focus = form.querySelector('input[name="focus"]');
      var submitter = event.submitter;
      if (focus) {
        focus.value = isTextAnswer(document.activeElement) && (!submitter || submitter.value === "save")
          ? document.activeElement.id : "";
      }
    });
    var params = new URLSearchParams(window.location.search);
    var back = params.get("focus") ? document.getElementById(params.get("focus")) : null;
    if (isTextAnswer(back) && !back.disabled) {
      var restore = function () {
        back.focus();
        back.setSelectionRange(back.value.length, back.value.length);
      };
      restore();
      // Scrolling to the #question-... fragment after load moves focus to the page (HTML's focusing steps
      // with the viewport as fallback), so focus the field again once that has happened.
      window.addEventListener("load", function () { setTimeout(restore, 0); });
      if (status) { status.textContent = "Your answers are saved."; }
      // A reload should not steal focus again.
      params.delete("focus");
      var query = params.toString();
      window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") +
                                  window.location.hash);
    }
  }

  // --- ordering: warn as soon as one item is in two positions ---------------------------------------
  var checkOrdering = function (fieldset) {
    var card = fieldset.closest(".question-card");
    var message = card ? card.querySelector(".answer-problem") : null;
    if (!message) { return; }
    var selects = fieldset.querySelectorAll("select");
    var places = {}, order = [];
    selects.forEach(function (select, index) {
      if (!places[select.value]) { places[select.value] = []; order.push(select.value); }
      places[select.value].push(index);
    });
    var repeated = [];
    order.forEach(function (value) {
      var at = places[value];
      var text = selects[at[0]].options[selects[at[0]].selectedIndex].text;
      if (at.length > 1) {
        var numbers = at.map(function (i) { return String(i + 1); });
        repeated.push("\u2018" + text + "\u2019 is in positions " +
                      numbers.slice(0, -1).join(", ") + " and " + numbers[numbers.length - 1]);
      }
    });
    selects.forEach(function (select) {
      if (places[select.value].length > 1) {
        select.setAttribute("aria-invalid", "true");
        select.setAttribute("aria-describedby", message.id);
      } else {
        select.removeAttribute("aria-invalid");
        select.removeAttribute("aria-describedby");
      }
    });
    var text = repeated.length ? "Each position needs a different item: " + repeated.join("; ") + "." : "";
    if (message.textContent.replace("\u26a0", "").trim() !== text) {
      message.textContent = "";
      if (text) {
        var symbol = document.createElement("span");
        symbol.setAttribute("aria-hidden", "true");
        symbol.textContent = "\u26a0";
        message.append(symbol, " " + text);
      }
    }
  };
  document.querySelectorAll("fieldset.question-ordering").forEach(function (fieldset) {
    fieldset.addEventListener("change", function () { checkOrdering(fieldset); });
  });

  // --- times in the student's local time ------------------------------------------------------------
  var sameDay = function (a, b) { return a.toDateString() === b.toDateString(); };
  var localText = function (moment, style) {
    var withDate = style !== "time" || !sameDay(moment, new Date());
    var options = withDate
      ? {day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short"}
      : {hour: "2-digit", minute: "2-digit", timeZoneName: "short"};
    return new Intl.DateTimeFormat(undefined, options).format(moment);
  };
  if (window.Intl && Intl.DateTimeFormat) {
    document.querySelectorAll("time.local-time[datetime]").forEach(function (el) {
      var moment = new Date(el.getAttribute("datetime"));
      if (!isNaN(moment.getTime())) {
        el.textContent = localText(moment, el.getAttribute("data-local"));
        el.title = el.getAttribute("datetime").replace("T", " ").replace("Z", " UTC");
      }
    });
  }

  // --- the countdown ----------------------------------------------------------------------------------
  var timerBox = document.getElementById("attempt-timer");
  if (timerBox) {
    var end = Date.parse(timerBox.getAttribute("data-deadline"));
    var leftEl = document.getElementById("time-left");
    var warning = document.getElementById("timer-warning");
    var polite = document.getElementById("timer-announce-polite");
    var assertive = document.getElementById("timer-announce-assertive");
    var WARNINGS = [
      {seconds: 60, region: assertive, text: "1 minute left. When time ends, the answers saved by then are submitted."},
      {seconds: 300, region: polite, text: "5 minutes left. Your answers are saved as you go."}
    ];
    var previous = null;
    var clock = function (left) {
      var hours = Math.floor(left / 3600), minutes = Math.floor(left % 3600 / 60), seconds = left % 60;
      var two = function (n) { return (n < 10 ? "0" : "") + n; };
      return (hours ? hours + ":" + two(minutes) : String(minutes)) + ":" + two(seconds);
    };
    var tick = function () {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      leftEl.hidden = false;
      leftEl.textContent = left ? clock(left) + " left" : "Time is up";
      // The most urgent warning reached; announced only when it is crossed while the page is open,
      // never on every tick, and not again on the next page load (there it is only shown).
      var reached = null;
      WARNINGS.forEach(function (w) { if (!reached && left <= w.seconds) { reached = w; } });
      if (reached) {
        warning.hidden = false;
        warning.textContent = reached.text;  // the stylesheet puts a warning sign before it
        timerBox.classList.add("timer-low");
        if (previous !== null && previous > reached.seconds) {
          reached.region.textContent = reached.text;
        }
      }
      previous = left;
      if (left === 0) {
        var saveButton = form ? form.querySelector('button[value="save"]') : null;
        if (saveButton) { saveButton.click(); }
      } else {
        setTimeout(tick, 1000);
      }
    };
    tick();
  }
}());
