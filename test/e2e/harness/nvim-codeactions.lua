-- Headless Neovim (0.7+) as an LSP client of pgtls for the linter conventions (test/e2e/neovimLinter.test.ts): on
-- pool_hba.conf, the code actions of a diagnostic, the "Disable … for this line" one applied with Neovim's own
-- apply_workspace_edit; on pgpool.conf, the source.fixAll.pgtls action asked for by kind and applied. After each edit
-- the diagnostics the server pushes again are recorded. Writes a JSON report to PGTLS_OUT; exits 0 when every step ran.
-- Environment: PGTLS_LSP_CMD (JSON argv), PGTLS_HBA, PGTLS_PGPOOL (absolute paths), PGTLS_RULE (the hba rule),
-- PGTLS_OUT, PGTLS_TIMEOUT_MS (per step, default 20000).
local function getenv(name, default)
  local v = os.getenv(name)
  if v == nil or v == '' then
    if default == nil then error(name .. ' is not set') end
    return default
  end
  return v
end

local report = { steps = {} }
local client_id, exited = nil, false

local function main()
  local cmd = vim.fn.json_decode(getenv('PGTLS_LSP_CMD'))
  local hba, pgpool, rule = getenv('PGTLS_HBA'), getenv('PGTLS_PGPOOL'), getenv('PGTLS_RULE')
  local timeout = tonumber(getenv('PGTLS_TIMEOUT_MS', '20000'))
  local root = vim.fn.fnamemodify(hba, ':p:h')
  local latest = {}
  client_id = vim.lsp.start_client({
    name = 'pgtls', cmd = cmd, root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = 'workspace' } },
    settings = { pgtls = { checkFiles = false } },
    handlers = {
      ['textDocument/publishDiagnostics'] = function(_, result) latest[result.uri] = result.diagnostics end,
      ['window/logMessage'] = function() end,
    },
    on_exit = function() exited = true end,
  })
  if not client_id then error('could not start ' .. table.concat(cmd, ' ')) end

  local function open(file)
    vim.cmd('edit ' .. vim.fn.fnameescape(file))
    local bufnr = vim.api.nvim_get_current_buf()
    vim.lsp.buf_attach_client(bufnr, client_id)
    return bufnr, vim.uri_from_bufnr(bufnr)
  end
  local function count(uri, code)
    local n = 0
    for _, d in ipairs(latest[uri] or {}) do if d.code == code then n = n + 1 end end
    return n
  end
  local function wait(what, pred)
    local ok = vim.wait(timeout, function() return pred() or exited end, 20) and pred()
    table.insert(report.steps, { step = what, ok = ok })
    if not ok then error('step failed: ' .. what) end
  end
  local function actions(bufnr, params)
    local responses = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, timeout) or {}
    local out = {}
    for _, r in pairs(responses) do for _, a in ipairs(r.result or {}) do table.insert(out, a) end end
    return out
  end
  local function lines(bufnr) return vim.api.nvim_buf_get_lines(bufnr, 0, -1, false) end

  -- pool_hba.conf: the quick fixes of the second diagnostic, and the line comment applied.
  local hbuf, huri = open(hba)
  wait('two ' .. rule, function() return count(huri, rule) == 2 end)
  local target
  for _, d in ipairs(latest[huri]) do if d.code == rule and d.range.start.line == 1 then target = d end end
  local got = actions(hbuf, { textDocument = { uri = huri }, range = target.range, context = { diagnostics = { target } } })
  report.hba_titles = vim.tbl_map(function(a) return a.title end, got)
  local line_fix
  for _, a in ipairs(got) do if a.title == 'Disable ' .. rule .. ' for this line' then line_fix = a end end
  if not line_fix then error('no line suppression action') end
  vim.lsp.util.apply_workspace_edit(line_fix.edit, 'utf-16')
  wait(rule .. ' silenced on the line', function() return count(huri, rule) == 1 end)
  report.hba_lines = lines(hbuf)
  report.hba_after = latest[huri]

  -- pgpool.conf: fix-all asked for by kind, as a save action would.
  local pbuf, puri = open(pgpool)
  wait('pgpool.conf diagnostics', function() return latest[puri] ~= nil and #latest[puri] > 0 end)
  report.pgpool_before = vim.tbl_map(function(d) return d.code end, latest[puri])
  local all = actions(pbuf, {
    textDocument = { uri = puri },
    range = { start = { line = 0, character = 0 }, ['end'] = { line = vim.api.nvim_buf_line_count(pbuf), character = 0 } },
    context = { diagnostics = {}, only = { 'source.fixAll.pgtls' } },
  })
  report.fixall_titles = vim.tbl_map(function(a) return a.title .. ' [' .. tostring(a.kind) .. ']' end, all)
  if #all ~= 1 then error('expected one fix-all action, got ' .. #all) end
  local before = #latest[puri]
  vim.lsp.util.apply_workspace_edit(all[1].edit, 'utf-16')
  wait('pgpool.conf validated again after fix-all', function() return latest[puri] ~= nil and #latest[puri] < before end)
  report.pgpool_lines = lines(pbuf)
  report.pgpool_after = vim.tbl_map(function(d) return d.code end, latest[puri])
  return true
end

-- Any Lua error must still end Neovim (a headless nvim would otherwise wait forever), after writing the report.
local ok, result = pcall(main)
report.done = ok and result == true
if not ok then report.error = tostring(result) end
local f = assert(io.open(getenv('PGTLS_OUT'), 'w'))
f:write(vim.fn.json_encode(report))
f:close()
local client = client_id and vim.lsp.get_client_by_id(client_id)
if client then client.stop() end
vim.wait(3000, function() return exited end, 20)
if report.done then vim.cmd('qall!') else vim.cmd('cquit 1') end
