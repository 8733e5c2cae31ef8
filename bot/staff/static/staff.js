// Draws the Numbers charts from the JSON the page embeds (#numbers-data). The same numbers
// are in the tables below each chart, so the page reads the same without JavaScript.
(function () {
  "use strict";
  var holder = document.getElementById("numbers-data");
  if (!holder || typeof Chart === "undefined") { return; }
  var data = JSON.parse(holder.textContent);
  var colours = { messages: "#1f5f8b", requests: "#2e7d32", emergencies: "#c62828", unclear: "#ef8f00" };
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false;

  var days = document.getElementById("chart-days");
  if (days) {
    new Chart(days, {
      type: "bar",
      data: {
        labels: data.days,
        datasets: ["messages", "requests", "emergencies", "unclear"].map(function (key) {
          return { label: data.labels[key], data: data[key], backgroundColor: colours[key] };
        })
      },
      options: { responsive: true, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }
  var services = document.getElementById("chart-services");
  if (services) {
    new Chart(services, {
      type: "bar",
      data: {
        labels: data.services,
        datasets: [
          { label: data.labels.messages, data: data.service_messages, backgroundColor: colours.messages },
          { label: data.labels.requests, data: data.service_requests, backgroundColor: colours.requests }
        ]
      },
      options: { indexAxis: "y", responsive: true, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }
})();
