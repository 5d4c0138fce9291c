-- Headless Neovim (0.7+) as an LSP client of pgtls for issue 12's "Configuration and certificates are not linked"
-- (test/e2e/neovimConfigCerts.test.ts): on a pgpool.conf, the hover over the ssl_cert and ssl_key path values, and
-- the code actions of the diagnostic of a missing CA file (the "Generate … here" action and its command's argument).
-- Then, on a second pgpool.conf whose certificate, key and CA are all missing, the "Generate … here" action run the way
-- a user runs it (vim.lsp.buf.code_action on the ssl_cert line, the choice made in vim.ui.select): Neovim sends the
-- server's command with workspace/executeCommand; the report has the server's window/showMessage and whether the
-- missing-file problems went.
-- Writes a JSON report to PGTLS_OUT; exits 0 when every step ran.
-- Environment: PGTLS_LSP_CMD (JSON argv), PGTLS_PGPOOL (absolute path), PGTLS_PGPOOL_NEW (absolute path), PGTLS_OUT,
-- PGTLS_TIMEOUT_MS (default 20000).
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
  local pgpool = getenv('PGTLS_PGPOOL')
  local timeout = tonumber(getenv('PGTLS_TIMEOUT_MS', '20000'))
  local root = vim.fn.fnamemodify(pgpool, ':p:h')
  local latest = {}
  report.messages, report.asked = {}, {}
  client_id = vim.lsp.start_client({
    name = 'pgtls', cmd = cmd, root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = 'workspace' } },
    handlers = {
      ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
        latest[result.uri] = result.diagnostics
        vim.lsp.handlers['textDocument/publishDiagnostics'](err, result, ctx, config)
      end,
      ['window/logMessage'] = function() end,
      ['window/showMessage'] = function(_, result) table.insert(report.messages, result) end,
      -- Nothing exists where the action writes, so the server must not ask; were it to, the answer keeps the files.
      ['window/showMessageRequest'] = function(_, result) table.insert(report.asked, result.message) return vim.NIL end,
    },
    on_exit = function() exited = true end,
  })
  if not client_id then error('could not start ' .. table.concat(cmd, ' ')) end
  vim.cmd('edit ' .. vim.fn.fnameescape(pgpool))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(bufnr, client_id)
  local uri = vim.uri_from_bufnr(bufnr)
  local function wait(what, pred)
    local ok = vim.wait(timeout, function() return pred() or exited end, 20) and pred()
    table.insert(report.steps, { step = what, ok = ok })
    if not ok then error('step failed: ' .. what) end
  end
  local function request(method, params)
    local responses = vim.lsp.buf_request_sync(bufnr, method, params, timeout) or {}
    for _, r in pairs(responses) do if r.result then return r.result end end
    return nil
  end
  local function hover_at(needle)
    for i, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
      local col = line:find(needle, 1, true)
      if col then
        local h = request('textDocument/hover', { textDocument = { uri = uri }, position = { line = i - 1, character = col + 1 } })
        return h and h.contents and (h.contents.value or h.contents) or nil
      end
    end
    error('no ' .. needle .. ' in the file')
  end

  local missing = 'pgpool-conf/ssl-file-missing'
  wait('the missing CA file reported', function()
    for _, d in ipairs(latest[uri] or {}) do if d.code == missing then return true end end
    return false
  end)
  report.hover_cert = hover_at("'tls/server.crt'")
  report.hover_key = hover_at("'tls/server.key'")
  local target
  for _, d in ipairs(latest[uri]) do if d.code == missing then target = d end end
  local actions = request('textDocument/codeAction', { textDocument = { uri = uri }, range = target.range, context = { diagnostics = { target } } }) or {}
  report.titles = vim.tbl_map(function(a) return a.title end, actions)
  for _, a in ipairs(actions) do
    if a.command and a.command.title and a.command.title:find('^Generate') then report.generate = a.command end
  end

  -- The second configuration: the action run as a user runs it.
  vim.cmd('edit ' .. vim.fn.fnameescape(getenv('PGTLS_PGPOOL_NEW')))
  local newbuf = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(newbuf, client_id)
  local newuri = vim.uri_from_bufnr(newbuf)
  local function missing_count()
    local n = 0
    for _, d in ipairs(latest[newuri] or {}) do if d.code == missing then n = n + 1 end end
    return n
  end
  wait('the missing certificate, key and CA reported', function() return missing_count() == 3 end)
  vim.api.nvim_win_set_cursor(0, { 2, 12 }) -- on the ssl_cert value
  vim.ui.select = function(items, _, on_choice)
    report.offered = {}
    for i, item in ipairs(items) do
      local action = item[2]
      table.insert(report.offered, { title = action.title, command = action.command and action.command.command })
      if action.title:find('^Generate server%.crt and server%.key here') then return on_choice(item, i) end
    end
    on_choice(nil)
  end
  vim.lsp.buf.code_action()
  wait('the server reported what it wrote', function() return #report.messages > 0 end)
  wait('the missing-file problems went', function() return latest[newuri] ~= nil and missing_count() == 0 end)
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
