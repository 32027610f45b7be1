# socklab sample: correct -- the UDP client written in Perl, output unbuffered with $|
# expect: pass core
use strict;
use warnings;
use IO::Socket::INET;

$| = 1;
my $s = IO::Socket::INET->new(Proto => 'udp', PeerAddr => '127.0.0.1', PeerPort => 9999) or die "socket: $!";
for my $data ('a', 'b', 'c') {
    $s->send($data);
    my $reply;
    $s->recv($reply, 1024);
    print "$reply\n";
}
$s->close();
