-- Headless Neovim (0.7+) as an LSP client of the pgtls language server, for the structure test of
-- test/e2e/neovim.test.ts: document symbols and document links of a file, formatting through Neovim's own command
-- (vim.lsp.buf.formatting_sync), a link target opened as a buffer, and a quick fix (textDocument/codeAction) applied
-- with Neovim's workspace-edit code until the server's next diagnostics no longer hold the fixed problem.
-- Writes a JSON report to PGTLS_OUT; exits 0 when every step ran, 1 otherwise (the test reads the report either way).
-- Environment (JSON where structured):
--   PGTLS_LSP_CMD   ["node", "/path/dist/server.js", "--stdio"]
--   PGTLS_ROOT      the workspace folder
--   PGTLS_SPEC      test/e2e/structure.json
--   PGTLS_SETTINGS  settings answered to workspace/configuration;  PGTLS_OUT report file;  PGTLS_TIMEOUT_MS deadline
local function getenv(name, default)
  local v = os.getenv(name)
  if v == nil or v == '' then
    if default == nil then error(name .. ' is not set') end
    return default
  end
  return v
end

local function main()
  local cmd = vim.fn.json_decode(getenv('PGTLS_LSP_CMD'))
  local root = getenv('PGTLS_ROOT')
  local spec = vim.fn.json_decode(getenv('PGTLS_SPEC'))
  local settings = vim.fn.json_decode(getenv('PGTLS_SETTINGS', '{}'))
  local timeout = tonumber(getenv('PGTLS_TIMEOUT_MS', '30000'))
  local report = { steps = {}, messages = {} }
  vim.o.hidden = true -- formatted buffers stay unsaved while the others are shown
  local latest = {}

  local client_id = vim.lsp.start_client({
    name = 'pgtls',
    cmd = cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = 'workspace' } },
    settings = settings,
    handlers = {
      ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
        latest[result.uri] = result
        return vim.lsp.handlers['textDocument/publishDiagnostics'](err, result, ctx, config)
      end,
      ['window/logMessage'] = function(_, result) table.insert(report.messages, result.message) end,
    },
  })
  if not client_id then error('could not start ' .. table.concat(cmd, ' ')) end

  local buffers = {}
  local function open(rel)
    local file = root .. '/' .. rel
    vim.cmd('edit ' .. vim.fn.fnameescape(file))
    local bufnr = vim.api.nvim_get_current_buf()
    vim.lsp.buf_attach_client(bufnr, client_id)
    buffers[rel] = { bufnr = bufnr, uri = vim.uri_from_bufnr(bufnr) }
    return buffers[rel]
  end
  local outline = open(spec.outline.file)
  local hba = open('structure/pool_hba.conf')
  local fixed = open(spec.codeAction.file)

  local ready = vim.wait(timeout, function()
    local c = vim.lsp.get_client_by_id(client_id)
    return c ~= nil and c.initialized == true
  end, 20)
  if not ready then error('the server did not initialize') end
  local client = vim.lsp.get_client_by_id(client_id)
  report.capabilities = {
    documentSymbol = client.server_capabilities.documentSymbolProvider ~= nil,
    documentLink = client.server_capabilities.documentLinkProvider ~= nil,
    formatting = client.server_capabilities.documentFormattingProvider ~= nil,
  }
  local function request(method, params, bufnr)
    local res, err = client.request_sync(method, params, timeout, bufnr)
    if not res then error(method .. ': ' .. tostring(err)) end
    if res.err then error(method .. ': ' .. vim.inspect(res.err)) end
    return res.result
  end

  -- Document symbols and links, as the server answers them.
  report.symbols = request('textDocument/documentSymbol', { textDocument = { uri = outline.uri } }, outline.bufnr)
  report.links = request('textDocument/documentLink', { textDocument = { uri = outline.uri } }, outline.bufnr)
  table.insert(report.steps, 'symbols and links')
  -- A link's target opens as a buffer holding the file.
  if report.links ~= vim.NIL and #report.links > 0 then
    local target = vim.uri_to_bufnr(report.links[1].target)
    vim.fn.bufload(target)
    report.link_target = { name = vim.api.nvim_buf_get_name(target), first_line = vim.api.nvim_buf_get_lines(target, 0, 1, false)[1] }
  end

  -- Formatting with Neovim's own command, on each file in turn.
  report.formatted = {}
  for _, b in ipairs({ { 'structure/pool_hba.conf', hba }, { spec.outline.file, outline } }) do
    vim.api.nvim_set_current_buf(b[2].bufnr)
    vim.lsp.buf.formatting_sync(nil, timeout)
    report.formatted[b[1]] = vim.api.nvim_buf_get_lines(b[2].bufnr, 0, -1, false)
  end
  table.insert(report.steps, 'formatting')

  -- A quick fix: wait for the diagnostic, ask for code actions on it, apply the wanted one.
  local want = spec.codeAction
  local function pushed(code)
    local got = latest[fixed.uri]
    if not got then return nil end
    for _, d in ipairs(got.diagnostics) do if d.code == code then return d end end
    return false
  end
  if not vim.wait(timeout, function() return pushed(want.code) end, 20) then error('no ' .. want.code .. ' diagnostic') end
  local diagnostic = pushed(want.code)
  local actions = request('textDocument/codeAction', {
    textDocument = { uri = fixed.uri }, range = diagnostic.range, context = { diagnostics = { diagnostic } },
  }, fixed.bufnr)
  report.actions = {}
  local chosen
  for _, a in ipairs(actions) do
    table.insert(report.actions, a.title)
    if a.title == want.title then chosen = a end
  end
  if chosen and chosen.edit then
    vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
    report.fixed_line = vim.api.nvim_buf_get_lines(fixed.bufnr, want.line, want.line + 1, false)[1]
    report.cleared = vim.wait(timeout, function() return pushed(want.code) == false end, 20)
    table.insert(report.steps, 'code action')
  end

  local f = assert(io.open(getenv('PGTLS_OUT'), 'w'))
  f:write(vim.fn.json_encode(report))
  f:close()
  client.stop()
  vim.wait(3000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 20)
  return #report.steps == 3
end

-- Any Lua error must still end Neovim: a headless nvim would otherwise wait forever.
local ok, result = pcall(main)
if not ok then io.stderr:write('nvim-structure.lua: ' .. tostring(result) .. '\n') end
if ok and result then vim.cmd('qall!') else vim.cmd('cquit 1') end
