#include "messages.hpp"

#include <fmt/args.h>
#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace socklab::harness {

// clang-format off
const std::vector<Message>& message_table() {
  static const std::vector<Message> table = {
      // The words of the reports (grade, check): each its own id.
      {"not submitted", "not submitted", "未提交"},
      {"submission", "submission", "提交"},
      {"total", "total", "总分"},
      {"passed", "passed", "通过"},
      {"failed", "failed", "未通过"},
      {"skipped", "skipped", "跳过"},
      {"points", "points", "分"},
      {"advice", "advice", "建议"},
      {"transcript", "transcript", "完整记录"},
      {"expected and actual", "expected and actual", "期望与实际"},
      {"pass", "pass", "通过"},
      {"fail", "fail", "失败"},
      {"timeout", "timeout", "超时"},
      {"crash", "crash", "崩溃"},
      {"error", "error", "错误"},
      {"skip", "skip", "跳过"},
      {"the build failed", "the build failed", "构建失败"},
      {"score", "score", "得分"},
      {"scenario", "scenario", "场景"},
      {"role", "role", "角色"},
      {"verdict", "verdict", "结果"},
      {"sequence of the run", "sequence of the run", "运行时序图"},
      {"no failures", "no failures", "没有失败"},
      {"failures", "failures", "失败的场景"},
      {"the class at a glance", "the class at a glance", "全班概览"},
      {"submissions", "submissions", "份提交"},
      {"totals", "totals", "总分分布"},
      {"median", "median", "中位数"},
      {"lower quartile", "lower quartile", "下四分位数"},
      {"upper quartile", "upper quartile", "上四分位数"},
      {"scenarios, worst first", "scenarios, worst first", "各场景的结果（最差的在前）"},
      {"what to teach again", "what to teach again", "需要再讲一遍的内容"},
      {"the class", "the class", "全班成绩"},
      {"click a column to sort", "click a column to sort", "点击列标题排序"},
      {"date", "date", "日期"},
      {"duration", "duration", "用时"},
      {"seed", "seed", "随机种子"},
      {"isolation", "isolation", "隔离"},
      {"suite", "suite", "场景集"},
      {"most frequent failures", "most frequent failures", "最常见的失败"},
      {"graded before, its result current: not graded again", "graded before, its result current: not graded again",
       "之前已评分，结果仍有效：不再重新评分"},

      // socklab check's frame.
      {"check.summary", "{passed} passed, {failed} failed, {skipped} skipped (isolation: {isolation}{seeds})",
       "{passed} 个通过，{failed} 个未通过，{skipped} 个跳过（隔离：{isolation}{seeds}）"},
      {"check.seed", "; seed: {seed}", "；随机种子：{seed}"},
      {"check.seeds-own", "; seeds: each scenario's own, in its report", "；随机种子：各场景自己的，见其报告"},
      {"check.transcript-cut", "[... {bytes} bytes of transcript left out here; the file has them ...]\n",
       "[…… 此处省略 {bytes} 字节的记录，文件中有完整内容 ……]\n"},

      // How a program ended.
      {"status.exit", "exit {code}", "退出码 {code}"},
      {"status.killed", "killed by {signal}", "被 {signal} 终止"},
      {"status.killed-by-socklab", "killed by {signal} (sent by socklab)", "被 {signal} 终止（由 socklab 发送）"},

      // Expected and actual lines (matcher): the labels are ten columns wide, the caret counts on it.
      {"match.expected", "Expected: ", "期望：    "},
      {"match.actual", "Actual:   ", "实际：    "},
      {"match.output-ended", "the output ended here", "输出到此结束"},
      {"match.glob", "  (a glob: * is any text)", "  （通配模式：* 表示任意文字）"},
      {"match.regex", "  (a regex over the whole line)", "  （匹配整行的正则表达式）"},
      {"match.bytes-in-all", "... ({bytes} bytes in all)", "……（共 {bytes} 字节）"},
      {"match.first-difference", "^ first difference", "^ 第一处不同"},

      // A run that cannot start or finish.
      {"runner.no-folder", "socklab could not make the scenario's folder: {why}", "socklab 无法创建场景的目录：{why}"},
      {"runner.needs-namespaces", "this scenario needs network namespaces (fixed host names or ports), unavailable here",
       "此场景需要网络命名空间（固定的主机名或端口），本机不可用"},
      {"runner.needs-program", "this scenario needs {program}, which is not installed here (scripts/install-deps.sh installs it)",
       "此场景需要 {program}，本机没有安装（scripts/install-deps.sh 会安装它）"},
      {"runner.no-link", "socklab could not set up the scenario's link: {why}", "socklab 无法建立场景的网络链路：{why}"},
      {"runner.wire-skip", "this scenario judges the wire, which is not captured here: {why}",
       "此场景要检查线路上的数据，而这里无法捕获：{why}"},
      {"runner.wire-none", "--isolation none runs on the machine's own loopback, which socklab does not watch",
       "--isolation none 在本机自己的回环接口上运行，socklab 不监视它"},
      {"runner.wire-wrapper-link",
       "--isolation wrapper records no wire beside a link (socklab relays both of its sides and writes one record of the two)",
       "--isolation wrapper 在有网络链路时不记录线路（socklab 转发链路的两侧，只写一份记录）"},
      {"runner.could-not-run", "socklab could not run the scenario: {why}", "socklab 无法运行此场景：{why}"},
      {"runner.hard-limit", "the scenario did not finish within its hard limit", "场景没有在它的硬性时限内结束"},
      {"runner.unexpected-signal", "{who} was {status}, which socklab did not send", "{who} {status}，这个信号不是 socklab 发送的"},
      {"runner.outside-submission",
       "{path} is outside the submission: its programs see only their own folder and the system's (name files inside the submission, relative to it)",
       "{path} 在提交之外：提交的程序只能看到自己的目录和系统目录（请使用提交内的文件，并用相对路径）"},
      {"runner.unreadable", "{path} cannot be read by the sandbox's unprivileged user: make it readable (chmod {mode}) or copy it where it is",
       "沙箱中的非特权用户无法读取 {path}：请让它可读（chmod {mode}），或把它复制到可读的位置"},
      {"runner.no-placeholders",
       "the command for {role} takes no {{host}} {{port}}: this scenario gives the program another address than the tutorial's",
       "{role} 的命令没有使用 {{host}} {{port}}：此场景给程序的地址与教程中的不同"},
      {"runner.no-reference", "no reference program for role {role} was found", "找不到角色 {role} 的参考程序"},
      {"runner.cannot-start", "cannot start {command}: {why}", "无法启动 {command}：{why}"},
      {"runner.not-a-program", "'{who}' is a peer, not a program", "'{who}' 是一个对端，不是程序"},
      {"runner.not-a-peer", "'{who}' is a program, not a peer", "'{who}' 是一个程序，不是对端"},

      // The frame of every failure.
      {"runner.step-error", "{where}: error: {message}", "{where}: 错误：{message}"},
      {"runner.hint", "hint: {hint}\n", "提示：{hint}\n"},
      {"runner.guard", "within {seconds} s, the hang guard", "在 {seconds} 秒内（防止挂起的时限）"},
      {"runner.ended", "{who} ended: ", "{who} 已结束："},
      {"runner.stderr-tail", "{who} stderr (last lines): {text}\n", "{who} 的 stderr（最后几行）：{text}\n"},
      {"runner.hint-refused",
       "hint: {who}'s connection was refused: nothing listens where it connects (check the host and port)\n",
       "提示：{who} 的连接被拒绝（connection was refused）：它连接的地方没有程序在监听（检查主机和端口）\n"},
      {"runner.hint-refused-listening",
       "hint: {who}'s connection was refused: nothing listens where it connects (check the host and port); listening here: {listening}\n",
       "提示：{who} 的连接被拒绝（connection was refused）：它连接的地方没有程序在监听（检查主机和端口）；这里正在监听的是：{listening}\n"},

      // The network's story.
      {"runner.network", "the network (socklab's link, seed {seed}):\n", "网络（socklab 的链路，随机种子 {seed}）：\n"},
      {"runner.network-more", "  ... {count} more in the transcript\n", "  ……另有 {count} 条，见完整记录\n"},
      {"runner.fault.dropped", "dropped", "丢弃了"},
      {"runner.fault.duplicated", "duplicated", "复制了"},
      {"runner.fault.held back", "held back", "扣留了"},
      {"runner.fault.delayed", "delayed", "延迟了"},
      {"runner.dir.request", "request", "请求"},
      {"runner.dir.reply", "reply", "回复"},
      {"runner.hint-duplicate",
       "hint: {payload} is the second copy of {dir} #{index}, not an answer to the message just sent: UDP can deliver a datagram twice or late, so check that a reply answers the request you sent and skip it if not\n",
       "提示：{payload} 是{dir} #{index} 的第二份副本，不是对刚发出的消息的回答：UDP 可能把一个数据报送达两次或迟到，所以要检查回复是否回答了你发出的请求，不是就跳过它\n"},
      {"runner.hint-late",
       "hint: {payload} is a late copy of {dir} #{index}, not an answer to the message just sent: UDP can deliver a datagram twice or late, so check that a reply answers the request you sent and skip it if not\n",
       "提示：{payload} 是{dir} #{index} 迟到的副本，不是对刚发出的消息的回答：UDP 可能把一个数据报送达两次或迟到，所以要检查回复是否回答了你发出的请求，不是就跳过它\n"},
      {"runner.hint-lost",
       "hint: {who} waited in recv after the link {fault} {dir} #{index} {payload}; UDP does not resend a lost datagram: use settimeout() and send the request again when no reply comes\n",
       "提示：链路{fault}{dir} #{index} {payload} 之后，{who} 一直在 recv 中等待；UDP 不会重发丢失的数据报：请使用 settimeout()，没有回复时再次发送请求\n"},

      // expect A before B.
      {"runner.order-first", "expected {a} before {b}; {b} came first, at {at}{rest}", "期望 {a} 在 {b} 之前；但 {b} 先出现，时间 {at}{rest}"},
      {"runner.order-other-after", ", and the other after it, at {at}", "，另一个在它之后，时间 {at}"},
      {"runner.order-other-not-yet", ", the other not yet", "，另一个还没有出现"},
      {"runner.order-neither", "expected {a} before {b}; neither came {guard}", "期望 {a} 在 {b} 之前；{guard}两者都没有出现"},
      {"runner.order-closed-without", "expected {a} before {b}; {who}'s connection closed without it\n",
       "期望 {a} 在 {b} 之前；{who} 的连接关闭了，它也没有出现\n"},
      {"runner.order-ended-without", "expected {a} before {b}; {who}'s {stream} ended without it\n",
       "期望 {a} 在 {b} 之前；{who} 的 {stream} 结束了，它也没有出现\n"},

      // expect overlap.
      {"runner.overlap-all", "{k} of {names} in the middle of their conversations at once (past {from}, not yet at {to})",
       "{names} 中有 {k} 个同时处于对话中途（已过 {from}，尚未到 {to}）"},
      {"runner.overlap-some", "{k} of {n} of {names} in the middle of their conversations at once (past {from}, not yet at {to})",
       "{names}（共 {n} 个）中有 {k} 个同时处于对话中途（已过 {from}，尚未到 {to}）"},
      {"runner.overlap-undecided", "expected {what}; not decided {guard}", "期望 {what}；{guard}未能判定"},
      {"runner.overlap-broken", "expected {what}; these ended before {from}:{names}\n", "期望 {what}；这些在 {from} 之前就结束了：{names}\n"},
      {"runner.overlap-at-most-one", "expected {what}; at most {best} was", "期望 {what}；最多只有 {best} 个同时如此"},
      {"runner.overlap-at-most", "expected {what}; at most {best} were", "期望 {what}；最多只有 {best} 个同时如此"},
      {"runner.overlap-witness", ": {first} had {to} at {ended}, before {late} had {from} (at {began})",
       "：{first} 在 {ended} 已到 {to}，而 {late} 在那之后才到 {from}（时间 {began}）"},
      {"runner.overlap-witness-not-yet", ": {first} had {to} at {ended}, before {late} had {from} (not yet)",
       "：{first} 在 {ended} 已到 {to}，而 {late} 那时还没有到 {from}"},
      {"runner.served-serially",
       "\nthe clients were served one after another, not at the same time (serve each connection in its own thread)",
       "\n客户端是一个接一个被服务的，而不是同时（请为每个连接开一个线程来服务）"},

      // Programs and peers.
      {"runner.nothing-listens", "nothing listens on {proto} {at}", "没有程序在 {proto} {at} 上监听"},
      {"runner.server-listens-on", "; the server listens on {others} (check the address and port it binds)",
       "；服务器监听的是 {others}（检查它绑定的地址和端口）"},
      {"runner.ended-before-prompt", "{who} ended before showing the prompt {prompt}; it printed {printed}\n",
       "{who} 在显示提示符 {prompt} 之前就结束了；它输出了 {printed}\n"},
      {"runner.waited-prompt", "waited for the prompt {prompt} on {who}'s stdout; it printed {printed}",
       "在 {who} 的 stdout 上等待提示符 {prompt}；它输出了 {printed}"},
      {"runner.cannot-bind-udp", "socklab cannot bind udp {at}: {why}", "socklab 无法绑定 udp {at}：{why}"},
      {"runner.sendto-failed", "sendto {at}: {why}", "sendto {at} 失败：{why}"},
      {"runner.still-open", "expected the connection to close; it is still open {guard}", "期望连接关闭；{guard}它仍然打开着"},
      {"runner.still-open-sent", "expected the connection to close; it is still open {guard}, and sent {sent}",
       "期望连接关闭；{guard}它仍然打开着，并发送了 {sent}"},
      {"runner.cannot-listen", "socklab cannot listen on {at}: {why}", "socklab 无法在 {at} 上监听：{why}"},
      {"runner.no-client", "no client connected to {who} (is the client using the right address and port?)\n",
       "没有客户端连接到 {who}（no client connected；客户端用的地址和端口对吗？）\n"},
      {"runner.recv-until", "expected {who} to receive bytes ending in {data}; it received {got}",
       "期望 {who} 收到以 {data} 结尾的字节；它收到的是 {got}"},
      {"runner.recv-until-closed", "expected {who} to receive bytes ending in {data}; it received {got} and the connection was {reason}",
       "期望 {who} 收到以 {data} 结尾的字节；它收到的是 {got}，并且连接{reason}"},
      {"runner.received-mismatch", "what {who} received does not match\n{mismatch}received: {received}",
       "{who} 收到的内容不符合期望\n{mismatch}收到的全部内容：{received}"},
      {"runner.no-datagram-to-reply", "{who} has received no datagram to reply to", "{who} 还没有收到可以回复的数据报"},
      {"runner.reply-failed", "reply: {why}", "回复失败：{why}"},
      {"runner.nothing-expected-datagram", "expected nothing to arrive; a datagram came: {data}", "期望什么都不会到达；却来了一个数据报：{data}"},
      {"runner.nothing-expected-bytes", "expected nothing to arrive; these bytes came: {data}", "期望什么都不会到达；却来了这些字节：{data}"},
      {"runner.closed-by-other-side", "closed by the other side", "被另一端关闭"},
      {"runner.never-opened", "never opened", "从未建立"},
      {"runner.connect-failed", "connect {at}: {why}", "连接 {at} 失败：{why}"},
      {"runner.connect-failed-elsewhere", "connect {at}: {why}; nothing listens there, but something listens on {others}",
       "连接 {at} 失败：{why}；那里没有程序监听，但有程序在 {others} 上监听"},
      {"runner.not-accepted", "the connection to the server was not accepted in time", "到服务器的连接没有及时被接受"},
      {"runner.too-early", "{what} came after {took} s, earlier than {least} s", "{what} 在 {took} 秒后就到了，早于 {least} 秒"},
      {"runner.the-datagram", "the datagram", "数据报"},
      {"runner.expected-bytes", "expected {who} to receive the bytes below\n", "期望 {who} 收到下面的字节\n"},
      {"runner.connection-was", "(the connection was {reason})\n", "（连接{reason}）\n"},
      {"runner.no-datagram", "expected a datagram; none came", "期望收到一个数据报；但什么都没有来"},
      {"runner.no-datagram-data", "expected a datagram {data}; none came", "期望收到数据报 {data}；但什么都没有来"},
      {"runner.expected-datagram", "expected the datagram below\n", "期望收到下面的数据报\n"},

      // Exits.
      {"runner.still-running", "expected {running} to exit {guard}; still running", "期望 {running} {guard}退出；但仍在运行"},
      {"runner.still-running-while", "expected {running} to exit {guard}; still running while {done} had finished",
       "期望 {running} {guard}退出；但 {done} 已经结束时它仍在运行"},
      {"runner.has-printed", "\n{who} has printed {out}", "\n{who} 已输出 {out}"},
      {"runner.killed-expected", "expected {who} to be {want}; it ended with {status}\n", "期望 {who} {want}；但它的结局是 {status}\n"},
      {"runner.crashed", "{who} was {status}\n", "{who} 的结局：{status}\n"},
      {"runner.exit-code", "expected {who} to exit {code}; it ended with {status}\n", "期望 {who} 以退出码 {code} 结束；但它的结局是 {status}\n"},

      // Output.
      {"runner.expected-output", "expected {who} {stream} to show the lines below\n", "期望 {who} 的 {stream} 显示下面这些行\n"},
      {"runner.note-expected", "{where}: note: expected line\n", "{where}: 注：期望的行\n"},
      {"runner.note-scanning", "{who} {stream}:{line}: note: scanning from here\n", "{who} {stream}:{line}: 注：从这里开始比对\n"},
      {"runner.no-match-in-time", "the output did not match in time\n", "输出没有及时符合期望\n"},
      {"runner.hint-buffered",
       "\nhint: nothing new came on stdout. If the program printed and is waiting, its output is block-buffered (stdout is a pipe here, not a terminal): flush after each print (print(..., flush=True)) or run python3 -u.",
       "\n提示：stdout 上没有新的输出。如果程序已经 print 并在等待，说明它的输出是块缓冲的（block-buffered；这里的 stdout 是管道，不是终端）：每次 print 之后刷新（print(..., flush=True)），或用 python3 -u 运行。"},
      {"runner.hint-spaces", "hint: the text differs only in spaces: print exactly what the tutorial prints (no space after ',')\n",
       "提示：文字只在空格（space）上不同：请与教程输出的完全一致（',' 后面没有空格）\n"},
      {"runner.hint-welcome", "hint: the server must send b'Welcome!' first, as soon as it accepts\n",
       "提示：服务器一接受连接就必须先发送 b'Welcome!'\n"},
      {"runner.hint-crlf", "hint: the tutorial's line ends in \\r\\n: print('...\\r\\n') prints both\n",
       "提示：教程中的这一行以 \\r\\n 结尾：print('...\\r\\n') 会把两者都输出\n"},
      {"runner.browser-no-page", "hint: the browser saw no page: {code}\n", "提示：浏览器没有看到页面：{code}\n"},
      {"runner.browser-no-page-why", "hint: the browser saw no page: {code}: {why}\n", "提示：浏览器没有看到页面：{code}：{why}\n"},
      {"runner.browser-invalid-response", "the response does not start with a status line (HTTP/1.1 200 OK); a browser reads no bare page",
       "响应没有以状态行（HTTP/1.1 200 OK）开头；浏览器不读没有头部的页面"},
      {"runner.browser-empty-response", "the server closed the connection without sending anything", "服务器什么都没发送就关闭了连接"},
      {"runner.browser-reset", "the connection was reset: close it only after reading the request and sending the page",
       "连接被重置：请在读完请求、发送页面之后再关闭它"},
      {"runner.browser-refused", "nothing listened on the address", "这个地址上没有程序在监听"},
      {"runner.browser-empty-page",
       "hint: the browser saw an empty page: it takes everything up to an empty line (\\r\\n\\r\\n) for the header, so without that line the page itself was read as header\n",
       "提示：浏览器看到的是空白页面：它把空行（\\r\\n\\r\\n）之前的一切都当作头部，没有这一空行，页面本身就被当成了头部\n"},

      // Files.
      {"runner.file-not-yet", "expected the file {path} to hold {bytes} bytes; a program still running has not written them {guard}",
       "期望文件 {path} 含有 {bytes} 字节；{guard}仍在运行的程序还没有写入它们"},
      {"runner.file-missing", "expected the file {path}; the program did not write it", "期望有文件 {path}；程序没有写出它"},
      {"runner.file-differs", "the file {path} holds {got} bytes, expected {bytes}; they differ from byte {at}\n{expected_label}{expected}\n{actual_label}{actual}",
       "文件 {path} 有 {got} 字节，期望 {bytes} 字节；从第 {at} 字节开始不同\n{expected_label}{expected}\n{actual_label}{actual}"},
      {"runner.file-http-header", "\nhint: the file starts with the HTTP header: save only what follows the blank line",
       "\n提示：文件以 HTTP 头部开头（the file starts with the HTTP header）：只保存空行之后的内容"},
      {"runner.file-high-bytes", "\nhint: every byte of 0x80 or more is gone: write the body as bytes (open(name, 'wb')), without decoding it",
       "\n提示：所有 0x80 及以上的字节都丢了：请按字节写入正文（open(name, 'wb')），不要解码"},
      {"runner.file-short",
       "\nhint: only the first {got} bytes were saved: one recv(1024) is not the whole page; call recv until it returns b'' (the server closed), then join the pieces",
       "\n提示：只保存了前 {got} 字节：一次 recv(1024) 不是整个页面（one recv(1024) is not the whole page）；请反复调用 recv 直到它返回 b''（服务器已关闭），再把各段拼起来"},
      {"runner.file-changed", "\nhint: the bytes changed on the way to the file: write the body as bytes (open(name, 'wb')), without decoding it",
       "\n提示：字节在写入文件的过程中被改变了：请按字节写入正文（open(name, 'wb')），不要解码"},

      // The transcript: how each event is told (story.cpp), what the links did (link.cpp), socklab's notes.
      {"event.byte", "{n} byte", "{n} 字节"},
      {"event.bytes", "{n} bytes", "{n} 字节"},
      {"event.start", "start ({role}): {command}", "启动（{role}）：{command}"},
      {"event.start-tool", "start (tool): {command}", "启动（工具）：{command}"},
      {"event.listen", "listening on tcp {at}", "在 tcp {at} 上监听"},
      {"event.send", "send {size} bytes {bytes}{writes}", "发送 {size} 字节 {bytes}{writes}"},
      {"event.send-writes", " in writes of {slice} bytes", "，每次写 {slice} 字节"},
      {"event.reply", "reply to {at} {bytes}", "回复 {at} {bytes}"},
      {"event.truncated", "[transcript truncated: {events} events ({bytes} bytes) not kept]",
       "[记录已截断：有 {events} 个事件（{bytes} 字节）没有保留]"},
      {"link.relays", "relays {proto} {at} to the server's side: {faults}", "把 {proto} {at} 转发到服务器一侧：{faults}"},
      {"link.relays-no-faults", "relays {proto} {at} to the server's side (no faults)", "把 {proto} {at} 转发到服务器一侧（没有故障）"},
      {"link.to-server", "client→server", "客户端→服务器"},
      {"link.to-server-n", "client {n}→server", "客户端 {n}→服务器"},
      {"link.to-client", "server→client", "服务器→客户端"},
      {"link.to-client-n", "server→client {n}", "服务器→客户端 {n}"},
      {"link.relayed", "{what}", "转发了 {what}"},
      {"link.datagram", "{dir} #{index} {payload} {way}", "{way}的{dir} #{index} {payload}"},
      {"link.dropped", "dropped {what}", "丢弃了 {what}"},
      {"link.dropped-seeded", "dropped {what} (seeded loss)", "丢弃了 {what}（按随机种子的丢包）"},
      {"link.duplicated", "duplicated {what}: delivered twice", "复制了 {what}：送达了两次"},
      {"link.held", "held back {what}", "扣留了 {what}"},
      {"link.delayed", "delayed {what} by {ms} ms", "把 {what} 延迟了 {ms} 毫秒"},
      {"link.released", "released {what}, after #{after}", "放行了 {what}（在 #{after} 之后）"},
      {"link.connection", "connection {n}", "连接 {n}"},
      {"link.connection-way", "connection {n} {way}", "连接 {n} {way}"},
      {"link.tcp-refused", "{conn}: the server's side refused ({why}): the client's connection is reset",
       "{conn}：服务器一侧拒绝了连接（{why}）：客户端的连接被重置"},
      {"link.tcp-opened", "{conn} opened: {way}", "{conn} 已建立：{way}"},
      {"link.tcp-closed", "{conn}: closed (FIN passed on)", "{conn}：已关闭（FIN 已转发）"},
      {"link.tcp-reset-passed", "{conn}: {why} (reset passed on)", "{conn}：{why}（重置已转发）"},
      {"link.tcp-not-passed", "{conn}: {n} bytes not passed on (that side is closed)", "{conn}：{n} 字节没有转发（那一侧已关闭）"},
      {"link.tcp-relayed", "{conn} {payload}", "{conn} 转发了 {payload}"},
      {"link.tcp-relayed-sliced", "{conn} {payload} in {writes} writes of {piece} bytes",
       "{conn} {payload}，分 {writes} 次写出，每次 {piece} 字节"},
      {"link.tcp-write-failed", "{conn}: writing failed ({why}): both sides reset", "{conn}：写入失败（{why}）：两侧都被重置"},
      {"link.tcp-reset", "reset both sides of connection {n} after {bytes} bytes {way}", "{way} 传了 {bytes} 字节之后，重置了连接 {n} 的两侧"},
      {"link.tcp-half-closed", "closed {conn} after {bytes} bytes (the other way stays open)",
       "在 {bytes} 字节之后关闭了 {conn}（另一个方向仍然打开）"},

      // A link's faults, as its first line tells them (faults.cpp).
      {"fault.drop", "drop {dir} {index}", "丢弃{dir} {index}"},
      {"fault.duplicate", "duplicate {dir} {index}", "复制{dir} {index}"},
      {"fault.hold", "hold {dir} {index} until {dir} {until} has passed", "扣留{dir} {index}，直到{dir} {until} 通过"},
      {"fault.delay", "delay {dir} {index} by {ms} ms", "把{dir} {index} 延迟 {ms} 毫秒"},
      {"fault.lose-both", "lose {rate} both ways, at most {most} in a row", "双向丢失 {rate}，最多连续丢 {most} 个"},
      {"fault.lose-requests", "lose {rate} of requests, at most {most} in a row", "丢失 {rate} 的请求，最多连续丢 {most} 个"},
      {"fault.lose-replies", "lose {rate} of replies, at most {most} in a row", "丢失 {rate} 的回复，最多连续丢 {most} 个"},
      {"fault.requests", "requests", "请求"},
      {"fault.replies", "replies", "回复"},
      {"fault.slice", "slice {way} into writes of {size} bytes, {ms} ms apart", "把{way}切成每次 {size} 字节的写入，间隔 {ms} 毫秒"},
      {"fault.tcp-delay", "delay {way} by {ms} ms", "把{way}延迟 {ms} 毫秒"},
      {"fault.reset", "reset the connection after {bytes} bytes of {way}", "{way}传了 {bytes} 字节之后重置连接"},
      {"fault.half-close", "close the {way} side after {bytes} bytes", "{bytes} 字节之后关闭{way}一侧"},
      {"fault.on-connection", "{fault} on connection {n}", "{fault}（连接 {n}）"},

      // socklab's notes in the transcript (runner.cpp).
      {"note.seed", "seed {seed} (--seed {seed} replays this run's losses)", "随机种子 {seed}（用 --seed {seed} 可以重现这次运行的丢包）"},
      {"note.in-order", "in order: {a} came before {b}", "顺序正确：{a} 在 {b} 之前出现"},
      {"note.overlap", "overlap: {best} of {names} in the middle at once", "重叠：{names} 中有 {best} 个同时处于对话中途"},
      {"note.overlap-on-wire",
       "overlap: {best} of {names} in the middle at once (on the wire: the segments that brought them their lines)",
       "重叠：{names} 中有 {best} 个同时处于对话中途（依据线路：把这些行送到它们那里的报文段）"},
      {"note.overlap-not-judged", "overlap not judged: {who}'s middle lasted {lasted} s, under {least} s",
       "未判定重叠：{who} 的对话中途只持续了 {lasted} 秒，短于 {least} 秒"},
      {"note.guard-lengthened", "the guard waits {ms} ms longer: the programs waited that long for a CPU (a loaded machine)",
       "等待上限延长 {ms} 毫秒：程序等待 CPU 的时间就有这么久（机器负载高）"},
      {"note.no-capture", "no capture of the wire here: {why}", "这里无法捕获线路上的数据：{why}"},
      {"note.not-decided", "not decided by order: {message}", "未按顺序判定：{message}"},
      {"note.waiting-bound", "waiting until {proto} {at} is bound", "等待 {proto} {at} 被绑定"},
      {"note.stdin-closed", "stdin closed", "stdin 已关闭"},
      {"note.udp-socket", "udp socket on 127.0.0.1:{port}", "udp 套接字位于 127.0.0.1:{port}"},
      {"note.send-failed", "send failed after {n} bytes: {why}", "发送了 {n} 字节后失败：{why}"},
      {"note.nothing-to-keep", "no file {path} to keep", "没有可保存的文件 {path}"},
      {"note.kept", "kept {path} ({bytes} bytes) (no --out: not written)", "保存了 {path}（{bytes} 字节）（没有 --out：未写出）"},
      {"note.kept-in", "kept {path} ({bytes} bytes): {to}", "保存了 {path}（{bytes} 字节）：{to}"},
      {"note.no-file", "file {path}: not there", "文件 {path}：不存在"},
      {"note.file-lines", "file {path}: {bytes} bytes; its first lines:", "文件 {path}：{bytes} 字节；开头几行："},
      {"note.not-installed", "{program} is not installed here: its steps are left out (scripts/install-deps.sh installs it)",
       "本机没有安装 {program}：它的步骤被略过（scripts/install-deps.sh 会安装它）"},
      {"note.left-out", "{why}: its steps are left out", "{why}：它的步骤被略过"},
      {"note.capture", "{packets} packets{lost}{cut}{file}", "{packets} 个数据包{lost}{cut}{file}"},
      {"note.capture-lost", "; {n} packets came faster than the capture could keep: not in the pcap",
       "；{n} 个数据包来得比捕获保存得快：不在 pcap 中"},
      {"note.capture-cut", "; capture cut at {mib} MiB: the last {n} packets are not in the pcap",
       "；捕获在 {mib} MiB 处截断：最后 {n} 个数据包不在 pcap 中"},
      {"note.capture-file", ", in {file} beside this transcript", "，保存在本记录旁边的 {file} 中"},
      {"note.capture-no-pcap", ", no pcap: {why}", "，没有 pcap：{why}"},
      {"status.stop-end", "stop (end of scenario)", "停止（场景结束）"},
      {"status.ready", "ready: {proto} {at}", "就绪：{proto} {at}"},
      {"status.stop-ladder", "stop: close stdin, SIGINT, SIGTERM, SIGKILL", "停止：关闭 stdin，SIGINT，SIGTERM，SIGKILL"},
      {"status.reset", "reset the connection", "重置连接"},
      {"status.close", "close", "关闭"},
      {"status.connect", "connect tcp {at}", "连接 tcp {at}"},
      {"status.connected-from", "connected from 127.0.0.1:{port}", "已连接，本端地址 127.0.0.1:{port}"},
      {"status.connection", "connection {reason}", "连接{reason}"},
      {"status.accepted", "accepted a connection from {from}", "接受了来自 {from} 的连接"},
      {"runner.why", "{why}", "出错：{why}"},
  };
  return table;
}
// clang-format on

namespace {
const Message* find_message(std::string_view id) {
  const auto& t = message_table();
  const auto it = std::find_if(t.begin(), t.end(), [&](const Message& m) { return id == m.id; });
  return it == t.end() ? nullptr : &*it;
}
}  // namespace

bool has_message(std::string_view id) { return find_message(id) != nullptr; }

std::string say(Lang lang, std::string_view id, const MessageFields& fields) {
  const Message* m = find_message(id);
  if (m == nullptr) throw std::logic_error("no message '" + std::string(id) + "' in the catalogue");
  fmt::dynamic_format_arg_store<fmt::format_context> store;
  for (const auto& [name, value] : fields) {
    if (name.ends_with(".zh")) continue;
    const auto zh = std::find_if(fields.begin(), fields.end(), [&](const auto& f) { return f.first == name + ".zh"; });
    store.push_back(fmt::arg(name.c_str(), lang == Lang::zh && zh != fields.end() ? zh->second : value));
  }
  try {
    return fmt::vformat(lang == Lang::zh ? m->zh : m->en, store);
  } catch (const fmt::format_error& e) {
    throw std::logic_error("message '" + std::string(id) + "': " + e.what());
  }
}

MessageFields said_field(const std::string& name, std::string_view id, const MessageFields& fields) {
  return {{name, say(Lang::en, id, fields)}, {name + ".zh", say(Lang::zh, id, fields)}};
}

std::string say(Lang lang, std::string_view id, MessageArgs args) {
  return say(lang, id, MessageFields(args.begin(), args.end()));
}

}  // namespace socklab::harness
