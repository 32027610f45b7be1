#include "hints.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include "python.hpp"

namespace socklab::harness {

const std::vector<HintEntry>& hint_table() {
  static const std::vector<HintEntry> table = {
      {"block-buffered",
       "Your program's output is block-buffered when stdout is not a terminal: flush after each print "
       "(print(..., flush=True), fflush(stdout)) or run python3 -u.",
       "标准输出不是终端时输出会被缓冲：每次 print 后刷新（print(..., flush=True) 或 fflush(stdout)），或用 python3 -u "
       "运行。"},
      {"wrong-port",
       "Nothing met at the tutorial's address: a server must listen, and a client connect or send, at exactly the "
       "tutorial's host and port (for example 127.0.0.1:9999).",
       "双方没有在教程的地址上相遇：服务器要监听、客户端要连接或发送到与教程完全相同的主机和端口（例如 "
       "127.0.0.1:9999）。"},
      {"hello-space", "The text differs only in spaces: the reply is Hello,<name>! with no space after the comma.",
       "文字只在空格上不同：回复是 Hello,<名字>!，逗号后面没有空格。"},
      {"missing-banner",
       "The server must send b'Welcome!' as soon as it accepts a connection, before reading anything.",
       "服务器在接受连接后要先发送 b'Welcome!'，然后再读取数据。"},
      {"serial-server",
       "The clients were served one after another: start a thread for each accepted connection "
       "(threading.Thread(target=tcplink, args=(sock, addr)).start()).",
       "客户端是一个接一个被服务的：每接受一个连接就为它启动一个线程（threading.Thread(target=tcplink, args=(sock, "
       "addr)).start()）。"},
      {"hang-after-loss",
       "A datagram was lost and your program never sent its request again (it waited in recv for ever, or gave "
       "up): UDP does not resend, so use settimeout() and, when no reply comes in time, send the request again "
       "(a few tries).",
       "有数据报丢失，而你的程序没有重新发送请求（一直在 recv 中等待，或直接放弃）：UDP 不会重传，请用 "
       "settimeout() 设置超时，收不到回复时重新发送请求（多试几次）。"},
      {"stale-reply",
       "A duplicated or late reply was taken for the answer to a new request: check that each reply answers "
       "the request you just sent, and skip it if not.",
       "重复的或迟到的回复被当成了新请求的回答：检查每个回复是否对应刚发送的请求，不对应就丢弃。"},
      {"one-recv",
       "One recv() returns only what has arrived so far: TCP is a byte stream, so keep calling recv until "
       "you have the whole message (or until it returns b'' when the server closes).",
       "一次 recv() 只返回目前已到达的数据：TCP 是字节流，要反复调用 recv 直到收齐整条消息（或服务器关闭时返回 "
       "b''）。"},
      {"header-in-file",
       "The saved file starts with the HTTP header: save only the body, what follows the first blank line "
       "(\\r\\n\\r\\n).",
       "保存的文件以 HTTP 头开头：只保存正文，即第一个空行（\\r\\n\\r\\n）之后的内容。"},
      {"no-prompt",
       "The prompt did not appear: show it with input('...') before reading, exactly as the tutorial does.",
       "没有出现提示语：读取输入前要像教程那样用 input('...') 显示提示。"},
      {"pause-before-reply",
       "The reply came at once: the tutorial's server pauses (time.sleep(1)) after it receives a message and "
       "before it sends Hello,<name>!; a pause after the reply, or none, answers too early.",
       "回复来得太快：教程的服务器在收到消息之后、发送 Hello,<名字>! 之前先暂停（time.sleep(1)）；"
       "在回复之后才暂停或不暂停，回复都会太早。"},
      {"no-line-end",
       "The other side's message had come whole and your program waited for more: the tutorial's messages "
       "(Welcome!, Hello,<name>!) have no line end, so readline() (or reading until the connection closes) waits "
       "for ever; read each message with recv(1024).",
       "对方的消息已经完整到达，你的程序却还在等待更多数据：教程的消息（Welcome!、Hello,<名字>!）没有换行符，"
       "readline()（或读到连接关闭为止）会一直等下去；请用 recv(1024) 读取每条消息。"},
      {"serve-forever",
       "Your server ended by itself while clients still came: the tutorial's server loops for ever (while True: "
       "accept or recvfrom, answer, and go on with the next client).",
       "还有客户端要来，你的服务器却自己结束了：教程的服务器永远循环（while True: accept 或 recvfrom，"
       "回答，再处理下一个客户端）。"},
      {"end-when-done",
       "Your server was still running when its conversation was over: the tutorial's ex3 server ends when esc "
       "comes, and ex6's after its one answer; leave the loop and close then.",
       "对话已经结束，你的服务器却还在运行：教程中示例3的服务器在收到 esc 时结束，示例5（server6）的服务器"
       "回答一次后就结束；这时要退出循环并关闭套接字。"},
      {"decode-error",
       "Your program died of UnicodeDecodeError: bytes that are not UTF-8, or a character cut in two at the end "
       "of a recv(1024), cannot be decoded strictly; decode with errors='replace', or build the reply from bytes "
       "(b'Hello,' + data + b'!').",
       "你的程序因 UnicodeDecodeError 而终止：不是 UTF-8 的字节，或在 recv(1024) 末尾被截成两半的字符，"
       "都无法严格解码；请用 errors='replace' 解码，或直接用字节拼出回复（b'Hello,' + data + b'!'）。"},
      {"peer-reset",
       "Your program died of a connection the other side reset or closed (ConnectionResetError, "
       "BrokenPipeError): catch it (except OSError) for that connection and end it cleanly; a server goes on "
       "serving the others.",
       "对方重置或关闭了连接，你的程序因此终止（ConnectionResetError、BrokenPipeError）：请为这个连接捕获它"
       "（except OSError）并干净地结束这个连接；服务器要继续为其他客户端服务。"},
      {"exit-status",
       "Your program met an error and still exited with status 0, which tells whoever ran it that all went "
       "well: print what failed to stderr and exit with a non-zero status (sys.exit(1)).",
       "你的程序遇到了错误却以状态 0 退出，这等于告诉调用者一切正常：请把出错原因打印到 stderr，"
       "并以非零状态退出（sys.exit(1)）。"},
      {"write-bytes",
       "The bytes changed on the way to the file: the page is bytes, so write it as bytes (open('baidu.html', "
       "'wb')), without decoding it or opening the file in text mode.",
       "字节在写入文件时被改变了：网页内容是字节，请以字节方式写入（open('baidu.html', 'wb')），"
       "不要解码，也不要用文本模式打开文件。"},
      {"close-connection",
       "The other side waited for the connection to close, and it stayed open: close the socket (c.close()) when "
       "the conversation is over; that close is how a client that reads until the end knows it has everything.",
       "对方在等待连接关闭，连接却一直开着：对话结束时要关闭套接字（c.close()）；"
       "读到结束为止的客户端正是靠这次关闭知道数据已经收齐。"},
      {"exact-label",
       "The label differs from the tutorial's: its labels and prompts (服务器说:, 客户端说:, 计算结果:) are part "
       "of the output; print them exactly, with ASCII punctuation, and add nothing before the data.",
       "标签与教程的不同：教程的标签和提示语（服务器说:、客户端说:、计算结果:）是输出的一部分；"
       "请原样打印（标点是 ASCII 的），数据前面不要添加别的文字。"},
      {"decode-before-print",
       "The line shows a bytes object (b'...'): decode what recv returns before printing it "
       "(print(data.decode('utf-8'))).",
       "这一行显示的是 bytes 对象（b'...'）：打印前先把 recv 返回的数据解码（print(data.decode('utf-8'))）。"},
      {"small-buffer",
       "The datagram came back cut: recvfrom(N) returns at most N bytes of a datagram and drops the rest; "
       "receive with a buffer as large as the tutorial's recvfrom(1024) or larger.",
       "数据报被截断了：recvfrom(N) 最多只返回数据报的 N 个字节，其余的被丢弃；"
       "接收缓冲区至少要像教程的 recvfrom(1024) 那么大。"},
      {"exact-factorial",
       "The factorial is wrong: n! is 1 x 2 x ... x n, an exact integer; multiply Python ints over range(1, "
       "n+1) (or use math.factorial). A float loses digits, and range(1, n) leaves n out.",
       "阶乘算错了：n! 是 1 x 2 x ... x n，是一个精确的整数；请用 Python 整数在 range(1, n+1) 上连乘"
       "（或用 math.factorial）。浮点数会丢失数字，range(1, n) 则漏掉了 n。"},
      {"print-header",
       "Print the response's header as the tutorial does: the part before the first empty line (\\r\\n\\r\\n), "
       "decoded; the page after it goes to the file.",
       "请像教程那样打印响应头：第一个空行（\\r\\n\\r\\n）之前的部分，解码后打印；其后的网页内容保存到文件。"},
      {"ending-word",
       "A conversation ends with its word (exit in ex4, esc in ex3): the client sends it before it closes, and "
       "the server, when it receives it, leaves its loop and closes (ex4's without a reply).",
       "对话以约定的词结束（示例4是 exit，示例3是 esc）：客户端在关闭前发送它；服务器收到它后退出循环并关闭"
       "连接（示例4不再回复）。"},
      {"http-response",
       "The response must be the status line HTTP/1.1 200 OK, an empty line (\\r\\n\\r\\n ends the header), "
       "then the page: a client takes everything before the empty line for the header.",
       "响应必须是状态行 HTTP/1.1 200 OK、一个空行（\\r\\n\\r\\n 结束响应头），然后才是网页："
       "客户端会把空行之前的一切都当作响应头。"},
      {"tutorial-messages",
       "Your program sent other bytes than the tutorial's conversation has here: send exactly its messages, in "
       "its order (ex4: Michael, Tracy, Sarah, then exit; ex5: a, b, c), one at a time.",
       "你的程序在这里发送的字节与教程的对话不同：请按教程的顺序逐条发送它的消息"
       "（示例4：Michael、Tracy、Sarah，然后 exit；UDP 示例：a、b、c）。"},
      {"read-banner",
       "Read and print the Welcome! banner before sending the first name: then each recv holds the reply to the "
       "name just sent, and the client prints one reply per name.",
       "发送第一个名字之前，先读取并打印 Welcome! 欢迎语：这样每次 recv 收到的都是对刚发送的名字的回复，"
       "客户端为每个名字打印一条回复。"},
      {"show-what-came",
       "The server shows what the tutorial's reader is meant to see, as its print(data, addr) does: in ex5 each "
       "datagram and its sender (the addr recvfrom returned, not the server's own address), in ex6 the result "
       "it computed (120 for 5), not the number it received.",
       "服务器要显示教程读者应当看到的内容，就像教程的 print(data, addr)：UDP 示例中是每个数据报及其发送方"
       "（recvfrom 返回的 addr，而不是服务器自己的地址），示例5（server6）中是计算出的结果（5 的结果是 120），"
       "而不是收到的那个数。"},
      {"python2",
       "This is Python 2 syntax: socklab runs python3, where print is a function (print(x)) and raw_input is "
       "input.",
       "这是 Python 2 的语法：socklab 使用 python3 运行，print 是函数（print(x)），raw_input 应改为 input。"},
      {"not-utf8",
       "The source file is not UTF-8 (probably GBK): save it as UTF-8, or add # -*- coding: gbk -*- as its "
       "first line.",
       "源文件不是 UTF-8 编码（可能是 GBK）：请另存为 UTF-8，或在第一行加上 # -*- coding: gbk -*-。"},
      {"bom",
       "The file starts with a byte-order mark (BOM): Python accepts it, but a #! line after it does not work; "
       "save the file as UTF-8 without BOM.",
       "文件以字节顺序标记（BOM）开头：Python 可以接受，但其后的 #! 行会失效；请保存为不带 BOM 的 UTF-8。"},
      {"crlf",
       "The file has Windows line ends (CRLF): Python accepts them, but a #! line then names 'python3\\r', "
       "which does not exist; save it with LF line ends.",
       "文件使用 Windows 换行符（CRLF）：Python 可以接受，但 #! 行会变成不存在的 'python3\\r'；请保存为 LF 换行。"},
  };
  return table;
}

Lang lang_from_environment() {
  for (const char* var : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* v = std::getenv(var);
    if (v != nullptr && *v != '\0') return std::string(v).rfind("zh", 0) == 0 ? Lang::zh : Lang::en;
  }
  return Lang::en;
}

namespace {

Advice make(const std::string& id, Lang lang) {
  for (const auto& h : hint_table()) {
    if (id == h.id) return {h.id, lang == Lang::zh ? h.zh : h.en};
  }
  return {id, id};
}

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const int len = py::utf8_sequence_length(s, i);
    if (len <= 0) return false;
    i += static_cast<std::size_t>(len);
  }
  return true;
}

}  // namespace

std::vector<Advice> advice_for(const Result& r, Lang lang) {
  std::vector<Advice> out;
  if (r.verdict == Verdict::pass || r.verdict == Verdict::skip) return out;
  auto shows = [&](Fact f) { return std::find(r.facts.begin(), r.facts.end(), f) != r.facts.end(); };
  auto add = [&](const char* id) { out.push_back(make(id, lang)); };
  if (shows(Fact::python2)) add("python2");
  if (shows(Fact::not_utf8)) add("not-utf8");
  if (shows(Fact::block_buffered)) add("block-buffered");
  // A refusal after the server died (its traceback or its signal is in the story) is the crash's story,
  // not the port's.
  // A refusal after the server ended by itself is the loop's story.
  if (shows(Fact::nothing_listens) || shows(Fact::no_client_came) ||
      ((shows(Fact::refused) || shows(Fact::no_datagram)) && !shows(Fact::crashed) && !shows(Fact::server_ended)))
    add("wrong-port");
  if (shows(Fact::server_ended)) add("serve-forever");
  if (shows(Fact::kept_running)) add("end-when-done");
  if (shows(Fact::decode_error)) add("decode-error");
  if (shows(Fact::died_of_reset)) add("peer-reset");
  if (shows(Fact::exit_zero_on_error)) add("exit-status");
  if (shows(Fact::spaces_differ)) add("hello-space");
  if (shows(Fact::missing_banner)) add("missing-banner");
  if (shows(Fact::served_serially)) add("serial-server");
  if (shows(Fact::replied_early)) add("pause-before-reply");
  if (shows(Fact::waited_for_more)) add("no-line-end");
  if (shows(Fact::kept_open)) add("close-connection");
  if (shows(Fact::ending_word)) add("ending-word");
  if (shows(Fact::bad_response)) add("http-response");
  if (shows(Fact::waited_after_loss) || shows(Fact::gave_up_after_loss)) add("hang-after-loss");
  if (shows(Fact::took_stale_reply)) add("stale-reply");
  if (shows(Fact::cut_by_one_recv)) add("one-recv");
  if (shows(Fact::header_in_file)) add("header-in-file");
  if (shows(Fact::no_prompt)) add("no-prompt");
  if (shows(Fact::no_header)) add("print-header");
  if (shows(Fact::file_decoded)) add("write-bytes");
  if (shows(Fact::label_differs)) add("exact-label");
  if (shows(Fact::printed_bytes)) add("decode-before-print");
  if (shows(Fact::datagram_cut)) add("small-buffer");
  if (shows(Fact::wrong_factorial)) add("exact-factorial");
  if (shows(Fact::wrong_message)) add("tutorial-messages");
  if (shows(Fact::banner_unread)) add("read-banner");
  if (shows(Fact::not_shown)) add("show-what-came");
  return out;
}

std::vector<Advice> advice_for_source(const std::string& path, Lang lang) {
  std::vector<Advice> out;
  std::ifstream in(path, std::ios::binary);
  if (!in) return out;
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  const bool python = path.size() > 3 && path.compare(path.size() - 3, 3, ".py") == 0;
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) out.push_back(make("bom", lang));
  if (text.find("\r\n") != std::string::npos) out.push_back(make("crlf", lang));
  if (python && !valid_utf8(text) && text.find("coding") == std::string::npos) out.push_back(make("not-utf8", lang));
  if (python) {
    // print x, raw_input(), except E, e: Python 2 only (print (x) is Python 3 too).
    static const std::regex print2(R"((^|\n)[ \t]*print[ \t]+[^(\s=])");
    static const std::regex others(R"(\braw_input\s*\(|except\s+\w+\s*,\s*\w+\s*:)");
    if (std::regex_search(text, print2) || std::regex_search(text, others)) out.push_back(make("python2", lang));
  }
  return out;
}

}  // namespace socklab::harness
