/** Lua snippets and what Redis 7.0.15 EVAL (real Lua 5.1) answered, errors as "ERR <message>". */
export const ORACLE_CASES: [string, string][] = [
  [
    "local fs = {} for i = 1, 3 do fs[i] = function() return i end end return fs[1]() .. fs[2]() .. fs[3]()",
    "123",
  ],
  [
    "local fs = {} local i = 1 while i <= 3 do local j = i fs[i] = function() return j end i = i + 1 end return fs[1]() .. fs[3]()",
    "13",
  ],
  [
    "local function f(...) return select('#', ...) end return f(1, nil, nil) .. f() .. f(nil)",
    "301",
  ],
  [
    "local function f(...) local a, b = ... return tostring(a) .. tostring(b) end return f(1)",
    "1nil",
  ],
  [
    "local function g() return 1, 2, 3 end local t = {g(), g()} return #t",
    "4",
  ],
  [
    "local function g() return 1, 2, 3 end local t = {g(), (g())} return #t",
    "2",
  ],
  [
    "local function g() return 1, 2, 3 end return select('#', g(), 10)",
    "2",
  ],
  [
    "local a, b, c = (function() return 1, 2 end)() return tostring(a) .. tostring(b) .. tostring(c)",
    "12nil",
  ],
  [
    "local t = {} local i = 1 i, t[i] = i + 1, 20 return tostring(t[1]) .. tostring(t[2])",
    "20nil",
  ],
  [
    "local mt = {__add = function(a, b) return 'add' end, __concat = function(a, b) return 'cat' end, __unm = function() return 'unm' end} local t = setmetatable({}, mt) return (t + 1) .. (1 + t) .. (t .. 'x') .. ('x' .. t) .. (-t)",
    "addaddcatcatunm",
  ],
  [
    "local mt = {__index = function(t, k) return k .. '!' end} local t = setmetatable({}, mt) return t.foo",
    "foo!",
  ],
  [
    "local base = {x = 'basex'} local mid = setmetatable({}, {__index = base}) local t = setmetatable({}, {__index = mid}) return t.x",
    "basex",
  ],
  [
    "local log = {} local t = setmetatable({}, {__newindex = function(t, k, v) rawset(t, k, v * 2) end}) t.a = 5 return t.a",
    "10",
  ],
  [
    "local store = {} local t = setmetatable({}, {__newindex = store}) t.a = 5 return tostring(rawget(t, 'a')) .. store.a",
    "nil5",
  ],
  [
    "local t = setmetatable({}, {__call = function(self, a, b) return a + b end}) return t(3, 4)",
    "7",
  ],
  [
    "local mt = {__eq = function() return true end} local a = setmetatable({}, mt) local b = setmetatable({}, mt) return tostring(a == b) .. tostring(a ~= b) .. tostring(a == 1)",
    "truefalsefalse",
  ],
  [
    "local mt = {__lt = function(a, b) return true end} local a = setmetatable({}, mt) local b = setmetatable({}, mt) return tostring(a < b) .. tostring(a <= b) .. tostring(a > b)",
    "truefalsetrue",
  ],
  [
    "local t = setmetatable({}, {__len = function() return 42 end}) return #t",
    "0",
  ],
  [
    "local t = setmetatable({}, {__tostring = function() return 'TT' end}) return tostring(t)",
    "TT",
  ],
  [
    "local t = setmetatable({}, {__metatable = 'locked'}) return getmetatable(t)",
    "locked",
  ],
  [
    "return tostring(getmetatable('abc').__index == string)",
    "true",
  ],
  [
    "return ('x'):rep(3)",
    "xxx",
  ],
  [
    'return tostring("10" + 1) .. tostring("0x10" * 2) .. tostring(" 3 " - 1)',
    "11322",
  ],
  [
    'return "10" + "a"',
    "ERR user_script:1: attempt to perform arithmetic on a string value",
  ],
  [
    "return tostring(2^53) .. ' ' .. tostring(1e15) .. ' ' .. tostring(0.1) .. ' ' .. tostring(1/3) .. ' ' .. tostring(-1e100) .. ' ' .. tostring(1e14) .. ' ' .. 2^63",
    "9.007199254741e+15 1e+15 0.1 0.33333333333333 -1e+100 1e+14 9.2233720368548e+18",
  ],
  [
    "return tostring(1/0) .. tostring(-1/0) .. tostring(5 % -3) .. tostring(-5 % 3) .. tostring(5.5 % 2) .. tostring(2^0.5)",
    "inf-inf-111.51.4142135623731",
  ],
  [
    "return 7 // 2",
    "ERR user_script:1: unexpected symbol near '/'",
  ],
  [
    "return tostring(10 / 4) .. ' ' .. 3 % 0",
    "2.5 -nan",
  ],
  [
    "local ok, e = pcall(error, 'x') return e",
    "x",
  ],
  [
    "local ok, e = pcall(error) return tostring(e)",
    "nil",
  ],
  [
    "local ok, e = pcall(function() error('lvl1') end) return e",
    "user_script:1: lvl1",
  ],
  [
    "local function f() error('lvl2', 2) end local ok, e = pcall(function()\nf()\nend) return e",
    "user_script:2: lvl2",
  ],
  [
    "local ok, e = pcall(function() error('nolevel', 0) end) return e",
    "nolevel",
  ],
  [
    "local ok, e = pcall(function() error({code = 1}) end) return type(e) .. e.code",
    "table1",
  ],
  [
    "local ok, e = pcall(function() local x x.y = 1 end) return e",
    "user_script:1: attempt to index local 'x' (a nil value)",
  ],
  [
    "local ok, e = pcall(function() local t = {} t.a.b = 1 end) return e",
    "user_script:1: attempt to index field 'a' (a nil value)",
  ],
  [
    "local u local ok, e = pcall(function() return u.x end) return e",
    "user_script:1: attempt to index upvalue 'u' (a nil value)",
  ],
  [
    "local ok, e = pcall(function() local s = 'x' s() end) return e",
    "user_script:1: attempt to call local 's' (a string value)",
  ],
  [
    "local ok, e = pcall(function() local t = {} t:m() end) return e",
    "user_script:1: attempt to call method 'm' (a nil value)",
  ],
  [
    "local ok, e = pcall(function() local t = {} t.f() end) return e",
    "user_script:1: attempt to call field 'f' (a nil value)",
  ],
  [
    "local ok, e = pcall(function() local x return x + 1 end) return e",
    "user_script:1: attempt to perform arithmetic on local 'x' (a nil value)",
  ],
  [
    "local ok, e = pcall(function() local t = {} return t.x + 1 end) return e",
    "user_script:1: attempt to perform arithmetic on field 'x' (a nil value)",
  ],
  [
    "local ok, e = pcall(function() local t = {} return t .. 'a' end) return e",
    "user_script:1: attempt to concatenate local 't' (a table value)",
  ],
  [
    "local ok, e = pcall(function() return {} .. 'a' end) return e",
    "user_script:1: attempt to concatenate a table value",
  ],
  [
    "local ok, e = pcall(function() return 'a' < 1 end) return e",
    "user_script:1: attempt to compare string with number",
  ],
  [
    "local ok, e = pcall(function() return {} < {} end) return e",
    "user_script:1: attempt to compare two table values",
  ],
  [
    "local ok, e = pcall(function() local x return #x end) return e",
    "user_script:1: attempt to get length of local 'x' (a nil value)",
  ],
  [
    "local ok, e = pcall(function() return ('x')() end) return e",
    "user_script:1: attempt to call a string value",
  ],
  [
    "local ok, e = xpcall(function() error('e') end, function(m) return 'h:' .. m end) return e",
    "h:user_script:1: e",
  ],
  [
    "local co = coroutine.create(function(a, b) local c = coroutine.yield(a + b) local d, e = coroutine.yield(c * 2) return d + e end)\nlocal _, x = coroutine.resume(co, 1, 2) local _, y = coroutine.resume(co, 10) local _, z = coroutine.resume(co, 3, 4)\nreturn x .. ' ' .. y .. ' ' .. z .. ' ' .. coroutine.status(co) .. ' ' .. tostring(select(2, coroutine.resume(co)))",
    "3 20 7 dead cannot resume dead coroutine",
  ],
  [
    "local gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end) local s = '' for i = 1, 3 do s = s .. gen() end return s",
    "123",
  ],
  [
    "local co = coroutine.create(function() error('boom') end) local ok, e = coroutine.resume(co) return tostring(ok) .. e .. coroutine.status(co)",
    "falseuser_script:1: boomdead",
  ],
  [
    "local co co = coroutine.create(function() return coroutine.status(co) .. tostring(coroutine.running() == co) end) local _, s = coroutine.resume(co) return s",
    "runningtrue",
  ],
  [
    "local ok, e = pcall(coroutine.yield) return e",
    "attempt to yield across metamethod/C-call boundary",
  ],
  [
    "local co = coroutine.create(function() table.sort({3, 2, 1}, function(a, b) coroutine.yield() return a < b end) end) local ok, e = coroutine.resume(co) return e",
    "attempt to yield across metamethod/C-call boundary",
  ],
  [
    "return tostring(tonumber('0x1F')) .. tostring(tonumber('  12  ')) .. tostring(tonumber('1e2')) .. tostring(tonumber('abc')) .. tostring(tonumber('10', 2)) .. tostring(tonumber('zz', 36))",
    "3112100nil21295",
  ],
  [
    "return select(-2, 'a', 'b', 'c')",
    "b",
  ],
  [
    "return select('#', unpack({1, 2, 3}, 2, 5))",
    "4",
  ],
  [
    "return string.format('%s %s', rawequal('a', 'a'), rawequal({}, {}))",
    "ERR user_script:1: bad argument #2 to 'format' (string expected, got boolean)",
  ],
  [
    "local t = {10, 20, 30, nil, 50} local n = 0 for k, v in pairs(t) do n = n + k end return n",
    "11",
  ],
  [
    "local t = {1, 2, 3} local s = 0 for i, v in ipairs(t) do s = s + i * v end return s",
    "14",
  ],
  [
    "local s = '' for i = 10, 1, -3 do s = s .. i end return s",
    "10741",
  ],
  [
    "local s = '' for i = 1, 2, 0.5 do s = s .. i .. ',' end return s",
    "1,1.5,2,",
  ],
  [
    "local s = 0 for i = 1, 0 do s = s + 1 end return s",
    "0",
  ],
  [
    "for i = 1, 'x' do end",
    "ERR user_script:1: 'for' limit must be a number",
  ],
  [
    "local i = 0 repeat local j = i i = i + 1 until j >= 3 return i",
    "4",
  ],
  [
    "local a = 'a\\65\\066\\0067\\n\\\\\\\"\\'' return #a .. a",
    "9aAB\u00067\n\\\"'",
  ],
  [
    "return [==[\nlong ]] ]=] string]==]",
    "long ]] ]=] string",
  ],
  [
    "return #[[\nx]]",
    "1",
  ],
  [
    "return 0x10 + 1e2 + .5 + 3.",
    "119",
  ],
  [
    "return 'x' 'y'",
    "ERR user_script:1: '<eof>' expected near ''y''",
  ],
  [
    "x =",
    "ERR user_script:1: unexpected symbol near '<eof>'",
  ],
  [
    "local 1 = 2",
    "ERR user_script:1: '<name>' expected near '1'",
  ],
  [
    'return "abc',
    "ERR user_script:1: unfinished string near '<eof>'",
  ],
  [
    "function f() return 1",
    "ERR user_script:1: 'end' expected near '<eof>'",
  ],
  [
    "return 1e",
    "ERR user_script:1: malformed number near '1e'",
  ],
  [
    "x y",
    "ERR user_script:1: '=' expected near 'y'",
  ],
  [
    "f() = 1",
    "ERR user_script:1: unexpected symbol near '='",
  ],
  [
    "if x then",
    "ERR user_script:1: 'end' expected near '<eof>'",
  ],
  [
    "local t = {",
    "ERR user_script:1: unexpected symbol near '<eof>'",
  ],
  [
    "return 1 +",
    "ERR user_script:1: unexpected symbol near '<eof>'",
  ],
  [
    "for i do end",
    "ERR user_script:1: '=' or 'in' expected near 'do'",
  ],
  [
    "return a.b:c",
    "ERR user_script:1: function arguments expected near '<eof>'",
  ],
  [
    "local x = 1 return x ~= 1 and 'a' or 'b'",
    "b",
  ],
  [
    "return (nil or false) == false",
    "1",
  ],
  [
    "return 10 == '10'",
    "",
  ],
  [
    "return tostring(1 < 2) .. tostring('a' < 'b') .. tostring('a' < 'B') .. tostring('abc' < 'abd') .. tostring('' < 'a') .. tostring('\\200' > 'a')",
    "truetruefalsetruetruetrue",
  ],
  [
    "local s = 0 local t = {} for i = 1, 10 do t[i] = i end for i = 1, #t do s = s + t[i] end return s .. ' ' .. #t",
    "55 10",
  ],
  [
    "local t = {n = 1, [1] = 'a', 'b'} return t[1] .. t.n",
    "b1",
  ],
  [
    "return string.format('%q', 'a\\nb')",
    '"a\\\nb"',
  ],
  [
    "return setmetatable({}, 1)",
    "ERR user_script:1: bad argument #2 to 'setmetatable' (nil or table expected)",
  ],
  [
    "local t = setmetatable({}, {__metatable = 1}) setmetatable(t, {})",
    "ERR user_script:1: cannot change a protected metatable",
  ],
  [
    "return assert(false)",
    "ERR user_script:1: assertion failed!",
  ],
  [
    "return assert(nil, 'mmm')",
    "ERR user_script:1: mmm",
  ],
  [
    "return assert(1, 2)",
    "1",
  ],
  [
    "return tostring(loadstring('return 1 +')) .. select(2, loadstring('return 1 +'))",
    "nil[string \"return 1 +\"]:1: unexpected symbol near '<eof>'",
  ],
  [
    "return loadstring('return ...', 'chunky')(5)",
    "5",
  ],
  [
    "return select(2, loadstring('x x', 'chunky'))",
    "[string \"chunky\"]:1: '=' expected near 'x'",
  ],
  [
    "return select(2, loadstring('x x', '=chunky'))",
    "chunky:1: '=' expected near 'x'",
  ],
  [
    "return select(2, loadstring('x x', '@chunky'))",
    "chunky:1: '=' expected near 'x'",
  ],
  [
    "return select(2, loadstring('local a = 1\\n x x'))",
    "[string \"local a = 1...\"]:2: '=' expected near 'x'",
  ],
  [
    "return select(2, pcall(loadstring('local a = 1\\n error(\"e\")')))",
    '[string "local a = 1..."]:2: e',
  ],
  [
    "local function f(n) if n == 0 then return 0 end return f(n - 1) end return f(1000)",
    "0",
  ],
  [
    "local ok, e = pcall(function() local function f() return 1 + f() end return f() end) return e",
    "user_script:1: stack overflow",
  ],
  [
    "return next({})",
    "",
  ],
  [
    "local ok, e = pcall(next, {}, 'nokey') return e",
    "invalid key to 'next'",
  ],
  [
    "return math.floor(3.7) .. math.max(1, 5, 3)",
    "35",
  ],
  [
    "return table.concat({1, 2, 3}, ',')",
    "1,2,3",
  ],
  [
    "local t = {} t[1.0] = 'one' return t[1]",
    "one",
  ],
  [
    "local ok, e = pcall(function() local t = {} t[nil] = 1 end) return e",
    "user_script:1: table index is nil",
  ],
  [
    "local ok, e = pcall(function() local t = {} t[0/0] = 1 end) return e",
    "user_script:1: table index is NaN",
  ],
  [
    "local a = {} a.b = {} a.b.c = function(self, x) return x * 2 end return a.b:c(21)",
    "42",
  ],
  [
    "local obj = {v = 5} function obj:get() return self.v end function obj.static(x) return x end return obj:get() + obj.static(1)",
    "6",
  ],
  [
    "local x = 5 do local x = 6 end return x",
    "5",
  ],
  [
    "local x = 1 local x = x + 1 return x",
    "2",
  ],
  [
    "return -2 ^ 2",
    "-4",
  ],
  [
    "return 2 ^ 3 ^ 2",
    "512",
  ],
  [
    "return 1 .. 2 .. 3",
    "123",
  ],
  [
    "return not nil == true",
    "1",
  ],
  [
    "return 1 + 2 * 3 - 4 / 2",
    "5",
  ],
  [
    'return "a" .. 1 + 2',
    "a3",
  ],
  [
    'return #"abc" + 1',
    "4",
  ],
  [
    "local t = {1, 2, 3} t[#t + 1] = 4 t[#t] = nil return #t",
    "3",
  ],
  [
    "return tostring(-0) .. tostring(0 * -1)",
    "-0-0",
  ],
  [
    "return string.rep('ab', 3, ',')",
    "ababab",
  ],
  [
    "local ok, e = pcall(function() string.rep() end) return e",
    "user_script:1: bad argument #1 to 'rep' (string expected, got no value)",
  ],
  [
    "return tostring(tostring(nil)) .. tostring(true)",
    "niltrue",
  ],
  [
    "local t = {} for i = 1, 5 do t[#t + 1] = function() return i end end local s = 0 for _, f in ipairs(t) do s = s + f() end return s",
    "15",
  ],
  [
    "local a = {} for k, v in pairs({a = 1, b = 2, c = 3}) do a[#a + 1] = k .. v end table.sort(a) return table.concat(a)",
    "a1b2c3",
  ],
  [
    "local function v(...) local t = {...} return #t .. select('#', ...) end return v(1, 2, nil)",
    "23",
  ],
  [
    "local function f(...) return ... end return select('#', f(nil, nil))",
    "2",
  ],
  [
    "local a, b = 1 return tostring(b)",
    "nil",
  ],
  [
    "goto x",
    "ERR user_script:1: '=' expected near 'x'",
  ],
  [
    "local t = {} t.x, t.y = 1 return tostring(t.x) .. tostring(t.y)",
    "1nil",
  ],
  [
    "return (select('#', (function() end)()))",
    "0",
  ],
  [
    "local x = 0 while true do x = x + 1 if x > 5 then break end end return x",
    "6",
  ],
  [
    "return coroutine.resume(coroutine.create(function() end)) and 'ok'",
    "ok",
  ],
  [
    "local co = coroutine.create(function() end) coroutine.resume(co) return select(2, coroutine.resume(co))",
    "cannot resume dead coroutine",
  ],
  [
    "local co = coroutine.wrap(function() error('x') end) co()",
    "ERR user_script:1: user_script:1: x",
  ],
  [
    "return gcinfo() > 0 and collectgarbage('count') > 0 and collectgarbage() == 0",
    "1",
  ],
  [
    "return tostring(unpack({}))",
    "ERR user_script:1: bad argument #1 to 'tostring' (value expected)",
  ],
  [
    "return ipairs()",
    "ERR user_script:1: bad argument #1 to 'ipairs' (table expected, got no value)",
  ],
  [
    "local t = {} local ok, e = pcall(function() return t < 1 end) return e",
    "user_script:1: attempt to compare table with number",
  ],
  [
    "local ok, e = pcall(function() local a = {} return a.b.c.d end) return e",
    "user_script:1: attempt to index field 'b' (a nil value)",
  ],
  [
    "local ok, e = pcall(function() return nil .. 'x' end) return e",
    "user_script:1: attempt to concatenate a nil value",
  ],
  [
    "local ok, e = pcall(function() local n return n.x end) return e",
    "user_script:1: attempt to index local 'n' (a nil value)",
  ],
  [
    "return string.format('%d', 3)",
    "3",
  ],
  [
    "return tostring(1e308 * 10) .. tostring(2^1024)",
    "infinf",
  ],
  [
    "return tostring(100000000000000) .. ' ' .. tostring(123456789012345678)",
    "1e+14 1.2345678901235e+17",
  ],
  [
    "return tostring(3.14159265358979) .. ' ' .. 1e-5 .. ' ' .. 123.456e10",
    "3.1415926535898 1e-05 1234560000000",
  ],
  [
    "return 2^31 | 0",
    "ERR user_script:1: '<eof>' expected near '|'",
  ],
  [
    "local x = 3 local t = {[x] = 'three', x = 'ex'} return t[3] .. t.x",
    "threeex",
  ],
  [
    "return #{n = 1}",
    "0",
  ],
  [
    "local t = {1, 2, nil} return #t",
    "2",
  ],
  [
    "return select('#', nil, nil)",
    "2",
  ],
  [
    "return ((function(...) return select('#', ...) end)(unpack({1, nil, 3}, 1, 3)))",
    "3",
  ],
  [
    "local s = 'hello' return s:upper() .. s:len() .. #s",
    "HELLO55",
  ],
  [
    "local t = {} t.__index = t local o = setmetatable({}, t) t.x = 9 return o.x",
    "9",
  ],
  [
    "local A = {} A.__index = A function A.new(v) return setmetatable({v = v}, A) end function A:get() return self.v end local B = setmetatable({}, {__index = A}) B.__index = B function B.new(v) local o = A.new(v) return setmetatable(o, B) end function B:get2() return self:get() * 2 end return B.new(21):get2()",
    "42",
  ],
  [
    "local ok, e = pcall(error, setmetatable({}, {__tostring = function() return 'custom' end})) return tostring(e)",
    "custom",
  ],
  [
    "return tostring(nil == false)",
    "false",
  ],
  [
    "local t = setmetatable({}, {__index = function(t, k) return nil end}) return tostring(t.x)",
    "nil",
  ],
  [
    "return math.floor(-0.5) .. ' ' .. tostring(math.floor(-0.0))",
    "-1 -0",
  ],
  [
    "local t = {} for i = 1, 3 do t[i] = coroutine.wrap(function() for j = 1, 2 do coroutine.yield(i * 10 + j) end end) end local s = '' for i = 1, 3 do s = s .. t[i]() .. t[i]() .. ',' end return s",
    "1112,2122,3132,",
  ],
  [
    "local function gen(n) return coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end) end local s = 0 for v in gen(100) do s = s + v end return s",
    "5050",
  ],
  [
    "local co = coroutine.create(function(...) return select('#', ...) end) return select(2, coroutine.resume(co, nil, nil))",
    "2",
  ],
  [
    "local co = coroutine.create(function() local inner = coroutine.create(function() coroutine.yield('in') return 'done' end) local _, a = coroutine.resume(inner) coroutine.yield(a .. coroutine.status(inner)) local _, b = coroutine.resume(inner) return b end) local _, x = coroutine.resume(co) local _, y = coroutine.resume(co) return x .. y",
    "insuspendeddone",
  ],
  [
    "local ok, e = pcall(function() local x = 1 + nil end) return e",
    "user_script:1: attempt to perform arithmetic on a nil value",
  ],
  [
    "local ok, e = pcall(function()\nlocal a = 1\n\nlocal b = a.x.y\nend) return e",
    "user_script:4: attempt to index local 'a' (a number value)",
  ],
  [
    "local ok, e = pcall(function() local t = setmetatable({}, {__index = function(t, k) error('idx:' .. k) end}) return t.foo end) return e",
    "user_script:1: idx:foo",
  ],
  [
    "local t = setmetatable({}, {__index = string}) return t.rep('a', 2)",
    "aa",
  ],
  [
    "local s = 0 for i = 1, 100 do local ok = pcall(function() if i % 2 == 0 then error('x') end end) if ok then s = s + 1 end end return s",
    "50",
  ],
  [
    "local function f(...) local a = ... return a end return f(7, 8)",
    "7",
  ],
  [
    "local t = {f = function(...) return select('#', ...) end} return t.f(1, 2, 3) .. t:f(1)",
    "32",
  ],
  [
    "local a = {} local b = a return tostring(a == b) .. tostring({} == {})",
    "truefalse",
  ],
  [
    "local x = 'a' for i = 1, 3 do x = x .. i end return x",
    "a123",
  ],
  [
    "return ('%d'):format(5) .. ('abc'):sub(2) .. ('x'):byte()",
    "5bc120",
  ],
  [
    "return #('abc' .. 'de')",
    "5",
  ],
  [
    "local t = {1,2,3} return select('#', unpack(t))",
    "3",
  ],
  [
    "return tostring(nil) .. tostring(1.5) .. tostring(-1.5e-7)",
    "nil1.5-1.5e-07",
  ],
  [
    "local a, b, c = 1, 2 return tostring(c)",
    "nil",
  ],
  [
    "local a = 1 local b = 2 a, b = b, a return a .. b",
    "21",
  ],
  [
    "local t = {1, 2} t[1], t[2] = t[2], t[1] return t[1] .. t[2]",
    "21",
  ],
  [
    "local function f() return end return select('#', f())",
    "0",
  ],
  [
    "local i = 10 for i = 1, 2 do end return i",
    "10",
  ],
  [
    "local t = {} for i = 1, 3 do local x = i * 2 t[i] = function() x = x + 1 return x end end return t[1]() + t[1]() + t[2]()",
    "12",
  ],
  [
    "local ok, msg = pcall(function() local t = nil; for k in pairs(t) do end end) return msg",
    "user_script:1: bad argument #1 to 'pairs' (table expected, got nil)",
  ],
  [
    "local ok, msg = pcall(function() for k in nil do end end) return msg",
    "user_script:1: attempt to call a nil value",
  ],
  [
    "local ok, msg = pcall(function() local f = 5 for k in f do end end) return msg",
    "user_script:1: attempt to call a number value",
  ],
  [
    'return string.format("%5.2f", 3.14159)',
    " 3.14",
  ],
  [
    'return tostring(tonumber("0x")) .. tostring(tonumber("1e")) .. tostring(tonumber(".5")) .. tostring(tonumber("5.")) .. tostring(tonumber("- 1"))',
    "nilnil0.55nil",
  ],
  [
    "return tostring(-(-3))",
    "3",
  ],
  [
    "local ok, e = pcall(function() return -{} end) return e",
    "user_script:1: attempt to perform arithmetic on a table value",
  ],
  [
    "local ok, e = pcall(function() local t = {} return -t end) return e",
    "user_script:1: attempt to perform arithmetic on local 't' (a table value)",
  ],
  [
    "local ok, e = pcall(function() return 1 < nil end) return e",
    "user_script:1: attempt to compare number with nil",
  ],
  [
    "local ok, e = pcall(function() return nil > 1 end) return e",
    "user_script:1: attempt to compare number with nil",
  ],
  [
    "local ok, e = pcall(function() local a a.b = 1 end) return e",
    "user_script:1: attempt to index local 'a' (a nil value)",
  ],
  [
    "local ok, e = pcall(function() local t = {} t.x.y = 1 end) return e",
    "user_script:1: attempt to index field 'x' (a nil value)",
  ],
  [
    "local ok, e = pcall(function() (nil)() end) return e",
    "user_script:1: attempt to call a nil value",
  ],
  [
    "local ok, e = pcall(function() local t = {} t[1]() end) return e",
    "user_script:1: attempt to call field '?' (a nil value)",
  ],
  [
    "local ok, e = pcall(function() local t = {} t.a.b() end) return e",
    "user_script:1: attempt to index field 'a' (a nil value)",
  ],
  [
    "local ok, e = pcall(function() return #5 end) return e",
    "user_script:1: attempt to get length of a number value",
  ],
  [
    "local ok, e = pcall(function() local f = 5 return #f end) return e",
    "user_script:1: attempt to get length of local 'f' (a number value)",
  ],
  [
    "local ok, e = pcall(function() return 'x' .. nil end) return e",
    "user_script:1: attempt to concatenate a nil value",
  ],
  [
    "local ok, e = pcall(function() local s = 'a' local n return s .. n end) return e",
    "user_script:1: attempt to concatenate local 'n' (a nil value)",
  ],
  [
    "local ok, e = pcall(function() return ('abc'):nope() end) return e",
    "user_script:1: attempt to call method 'nope' (a nil value)",
  ],
  [
    "local ok, e = pcall(function() return ('abc').x.y end) return e",
    "user_script:1: attempt to index field 'x' (a nil value)",
  ],
  [
    "local ok, e = pcall(function() return (1).x end) return e",
    "user_script:1: attempt to index a number value",
  ],
  [
    "local ok, e = pcall(function() local n = 1 return n.x end) return e",
    "user_script:1: attempt to index local 'n' (a number value)",
  ],
  [
    "local t = setmetatable({}, {__le = function() return false end}) return tostring(t <= t)",
    "false",
  ],
  [
    "local mt = {__lt = function(a, b) return a.v < b.v end} local a = setmetatable({v = 1}, mt) local b = setmetatable({v = 2}, mt) return tostring(a <= b) .. tostring(b <= a)",
    "truefalse",
  ],
  [
    "local mt = {__sub = function(a, b) return 's' end, __mul = function() return 'm' end, __div = function() return 'd' end, __mod = function() return 'o' end, __pow = function() return 'p' end} local t = setmetatable({}, mt) return (t - 1) .. (t * 1) .. (t / 1) .. (t % 1) .. (t ^ 1) .. (2 - t)",
    "smdops",
  ],
  [
    "local t = setmetatable({}, {__add = function(a, b) return b end}) return t + '5'",
    "5",
  ],
  [
    "return '5' * '2'",
    "10",
  ],
  [
    "return tostring('5' == 5)",
    "false",
  ],
  [
    "return 10 .. ''",
    "10",
  ],
  [
    "return 1.5 .. '|' .. -0.0 .. '|' .. 1e100",
    "1.5|-0|1e+100",
  ],
  [
    "local t = nil\nlocal x = 1 +\n  t.y",
    "ERR user_script:3: attempt to index local 't' (a nil value)",
  ],
  [
    "local t = {}\nlocal x = t.a +\n  1",
    "ERR user_script:3: attempt to perform arithmetic on field 'a' (a nil value)",
  ],
  [
    "local t = {}\nlocal x = 1\n  + t.a",
    "ERR user_script:3: attempt to perform arithmetic on field 'a' (a nil value)",
  ],
  [
    "local f\nf(1,\n2)",
    "ERR user_script:2: attempt to call local 'f' (a nil value)",
  ],
  [
    "local ok, e = pcall(function()\n  local t = {}\n  return t.x\n    .y\nend) return e",
    "user_script:4: attempt to index field 'x' (a nil value)",
  ],
  [
    "local ok, e = pcall(function()\n  local s = 'a' ..\n    'b' ..\n    {}\nend) return e",
    "user_script:4: attempt to concatenate a table value",
  ],
  [
    "local ok, e = pcall(function()\n  local f = function()\n    error('inner')\n  end\n  f()\nend) return e",
    "user_script:3: inner",
  ],
  [
    "local function f(a,\n  b)\n  return a + b\nend\nlocal ok, e = pcall(f, 1)\nreturn e\nlocal x\nlocal y = x(function()\nend)",
    "ERR user_script:7: '<eof>' expected near 'local'",
  ],
  [
    "local t = {}\nt.a.b(1,\n2)",
    "ERR user_script:2: attempt to index field 'a' (a nil value)",
  ],
];
