// Progressive help for the console; every page works without it.
// Asks before a revoke, a disable or a reset (buttons marked .danger or in forms whose id says so).
document.addEventListener("submit", function (e) {
  var f = e.target;
  if (!f || !f.id) return;
  if (/^(revoke-|disable-|reset-)/.test(f.id)) {
    var zh = document.documentElement.lang === "zh-CN";
    if (!window.confirm(zh ? "确定吗？" : "Are you sure?")) e.preventDefault();
  }
});
