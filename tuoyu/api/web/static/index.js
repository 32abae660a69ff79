/* index.html: the datasets (and uploading one), recording outcomes, the recent jobs, a token. */
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
      var sel = document.getElementById('outcomes-dataset');
      var keep = sel.value;
      sel.innerHTML = '';
      datasets.forEach(function (d) {
        sel.appendChild(T.el('option', {value: d.id, text: d.name + '（' + d.id + '）'}));
      });
      if (keep) { sel.value = keep; }
    }, T.showError);
  }

  /* Send a file as a multipart upload; the note says what happened, errors name rows. */
  function send(formId, url, fields, done) {
    var form = document.getElementById(formId);
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      T.showError(null);
      var fd = new FormData();
      Object.keys(fields).forEach(function (k) {
        var v = fields[k]();
        if (v !== null && v !== '') { fd.append(k, v); }
      });
      var btn = form.querySelector('button');
      btn.disabled = true;
      T.api(url(), {method: 'POST', form: fd}).then(function (r) {
        done(r);
        load();
      }, T.showError).then(function () { btn.disabled = false; });
    });
  }

  send('upload-form', function () { return '/api/v1/datasets'; }, {
    file: function () { return document.getElementById('upload-file').files[0] || null; },
    name: function () { return document.getElementById('upload-name').value.trim(); }
  }, function (d) {
    document.getElementById('upload-note').textContent = T.t('uploaded', {name: d.name, id: d.id});
  });
  send('outcomes-form', function () {
    return '/api/v1/datasets/' + encodeURIComponent(document.getElementById('outcomes-dataset').value) +
      '/outcomes';
  }, {
    file: function () { return document.getElementById('outcomes-file').files[0] || null; }
  }, function (r) {
    document.getElementById('outcomes-note').textContent = T.t('recorded', {n: r.recorded});
  });

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
