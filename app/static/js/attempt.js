// Saves answers in the background as the student goes, and counts down to the deadline.
(function () {
  "use strict";
  var form = document.getElementById("attempt-form");
  var status = document.getElementById("autosave-status");
  if (form && window.fetch && window.FormData) {
    var timer = null;
    var save = function () {
      var data = new FormData(form);
      data.set("go", "save");
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
  var deadline = document.getElementById("deadline");
  if (deadline) {
    var end = Date.parse(deadline.getAttribute("data-deadline"));
    var tick = function () {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      var minutes = Math.floor(left / 60), seconds = left % 60;
      deadline.textContent = "time left " + minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      if (left === 0 && form) { form.querySelector('[value="save"]').click(); }
      else { setTimeout(tick, 1000); }
    };
    tick();
  }
}());
