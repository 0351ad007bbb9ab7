// The check-in page at the door: the camera through getUserMedia, one trainee after another.
(function () {
  "use strict";
  const video = document.getElementById("camera");
  const canvas = document.getElementById("frame");
  const form = document.getElementById("door-form");
  const trainee = document.getElementById("trainee");
  const button = document.getElementById("capture");
  const answer = document.getElementById("answer");
  let ready = false;

  function enable() { button.disabled = !(ready && trainee.value); }
  trainee.addEventListener("change", enable);

  navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false })
    .then(function (stream) {
      video.srcObject = stream;
      video.addEventListener("loadeddata", function () { ready = true; enable(); }, { once: true });
    })
    .catch(function () { document.getElementById("camera-error").classList.remove("d-none"); });

  function show(kind, text) {
    answer.className = "alert mt-3 alert-" + kind;
    answer.textContent = text;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext("2d").drawImage(video, 0, 0);
    button.disabled = true;
    canvas.toBlob(function (blob) {
      const body = new FormData(form);
      body.append("photo", blob, "door.jpg");
      fetch(form.dataset.url, { method: "POST", body: body, credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (data.error) { show("danger", data.error); }
          else { show(data.result === "passed" ? "success" : "warning", data.message); }
          answer.dataset.result = data.result || "refused";
          trainee.value = "";
        })
        .catch(function () { show("danger", answer.dataset.offline || "…"); })
        .finally(enable);
    }, "image/jpeg", 0.9);
  });
}());
