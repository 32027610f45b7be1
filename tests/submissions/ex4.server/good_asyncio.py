# socklab sample: correct -- asyncio streams: one coroutine per connection instead of a thread
# expect: pass core
import asyncio


async def hello(reader, writer):
    peer = writer.get_extra_info('peername')
    print(f'new connection from {peer[0]}:{peer[1]}')
    writer.write(b'Welcome!')
    await writer.drain()
    while True:
        data = await reader.read(1024)
        await asyncio.sleep(1)
        if not data or data == b'exit':
            break
        writer.write(b'Hello,' + data + b'!')
        await writer.drain()
    writer.close()
    print(f'{peer[0]}:{peer[1]} closed')


async def main():
    server = await asyncio.start_server(hello, '127.0.0.1', 9999, backlog=5)
    async with server:
        await server.serve_forever()


asyncio.run(main())
