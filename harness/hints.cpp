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
       "A datagram was lost and your program waited in recv for ever: UDP does not resend, so use "
       "settimeout() and send the request again when no reply comes.",
       "有数据报丢失，而你的程序一直在 recv 中等待：UDP 不会重传，请用 settimeout() "
       "设置超时，收不到回复时重新发送请求。"},
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
  if (shows(Fact::nothing_listens) || shows(Fact::no_client_came) ||
      ((shows(Fact::refused) || shows(Fact::no_datagram)) && !shows(Fact::crashed)))
    add("wrong-port");
  if (shows(Fact::spaces_differ)) add("hello-space");
  if (shows(Fact::missing_banner)) add("missing-banner");
  if (shows(Fact::served_serially)) add("serial-server");
  if (shows(Fact::waited_after_loss)) add("hang-after-loss");
  if (shows(Fact::took_stale_reply)) add("stale-reply");
  if (shows(Fact::cut_by_one_recv)) add("one-recv");
  if (shows(Fact::header_in_file)) add("header-in-file");
  if (shows(Fact::no_prompt)) add("no-prompt");
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
