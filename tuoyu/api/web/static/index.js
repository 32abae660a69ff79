/* index.html: the datasets and the recent jobs, a token field. */
(function () {
  'use strict';
  var T = window.Tuoyu;
  var datasets = [], jobs = [];
  var PAGE = {roster: '/roster', sessions: '/calendar', siting: '/map'};

  function render() {
    T.fillTable(document.getElementById('datasets-table'), [
      {key: 'id'}, {key: 'name'},
      {key: 'tables', fmt: function (d) {
        var tb = d.tables || {};
        return Object.keys(tb).map(function (k) { return k + ' ' + tb[k]; }).join(', ');
      }},
      {key: 'created_at'}
    ], datasets);
    T.fillTable(document.getElementById('jobs-table'), [
      {key: 'id', fmt: function (j) {
        var page = PAGE[j.kind];
        if (!page) { return j.id; }
        return T.el('a', {href: page + '?job=' + encodeURIComponent(j.id) + '&dataset=' +
          encodeURIComponent(j.dataset_id), text: j.id});
      }},
      {key: 'kind', fmt: function (j) { return T.t('kind_' + j.kind); }},
      {key: 'dataset', fmt: function (j) { return j.dataset_id; }},
      {key: 'status', fmt: function (j) { return T.statusText(j.status); }},
      {key: 'message', fmt: function (j) { return j.message || ''; }},
      {key: 'created_at'}
    ], jobs.slice(0, 30));
  }

  function load() {
    T.showError(null);
    Promise.all([T.api('/api/v1/datasets'), T.api('/api/v1/jobs')]).then(function (r) {
      datasets = r[0];
      jobs = r[1];
      render();
    }, T.showError);
  }

  document.getElementById('token').value = T.token();
  document.getElementById('token-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var v = document.getElementById('token').value.trim();
    T.setToken(v);
    document.getElementById('token-note').textContent = T.t(v ? 'token_saved' : 'token_cleared');
    load();
  });
  T.onLang(render);
  T.setupChrome();
  load();
})();
