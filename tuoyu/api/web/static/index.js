/* index.html: the datasets (and uploading one), recording outcomes, the recent jobs, a token. */
(function () {
  'use strict';
  var T = window.Tuoyu;
  var datasets = [], jobs = [];
  var PAGE = {roster: '/roster', sessions: '/calendar', siting: '/map'};

  /* A dataset's tables as a planner names them: "托育机构 120、检查人员 40…". */
  function tablesText(d) {
    var tb = d.tables || {};
    return Object.keys(tb).map(function (k) {
      var key = 'tbl_' + k, name = T.t(key);
      if (name === key) { name = T.lang() === 'en' ? k : ((d.labels || {})[k] || k); }
      return name + ' ' + tb[k];
    }).join('、');
  }

  function render() {
    T.fillTable(document.getElementById('datasets-table'), [
      {key: 'name', fmt: function (d) { return T.datasetLabel(d); }},
      {key: 'tables', fmt: tablesText},
      {key: 'created_at', fmt: function (d) { return T.fmtTime(d.created_at); }}
    ], datasets);
    T.fillTable(document.getElementById('jobs-table'), [
      {key: 'plan', fmt: function (j) {
        var page = PAGE[j.kind];
        var text = T.jobLabel(j);
        if (!page) { return text; }
        return T.el('a', {href: page + '?job=' + encodeURIComponent(j.id) + '&dataset=' +
          encodeURIComponent(j.dataset_id), 'data-job-id': j.id, text: text});
      }},
      {key: 'status', fmt: function (j) { return T.statusText(j.status); }},
      {key: 'message', fmt: function (j) { return j.message || ''; }},
      {key: 'created_at', fmt: function (j) { return T.fmtTime(j.created_at); }}
    ], jobs.slice(0, 30));
  }

  function load() {
    T.showError(null);
    Promise.all([T.api('/api/v1/datasets'), T.api('/api/v1/jobs')]).then(function (r) {
      datasets = r[0];
      jobs = r[1];
      T.rememberDatasets(datasets);
      render();
      var sel = document.getElementById('outcomes-dataset');
      var keep = sel.value;
      sel.innerHTML = '';
      datasets.forEach(function (d) {
        sel.appendChild(T.el('option', {value: d.id, text: T.datasetLabel(d)}));
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
    document.getElementById('upload-note').textContent = T.t('uploaded', {name: T.datasetLabel(d)});
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
