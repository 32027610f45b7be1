# socklab sample: correct -- asyncio's DatagramProtocol: datagram_received prints and answers each datagram
# expect: pass all
import asyncio


class Echo(asyncio.DatagramProtocol):
    def connection_made(self, transport):
        self.transport = transport

    def datagram_received(self, data, addr):
        print(data, addr)
        self.transport.sendto(b'Hello,' + data, addr)


async def main():
    loop = asyncio.get_running_loop()
    await loop.create_datagram_endpoint(Echo, local_addr=('127.0.0.1', 9999))
    await asyncio.Event().wait()


asyncio.run(main())
