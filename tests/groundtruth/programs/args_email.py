"""Builds an argparse parser with subcommands and groups, parses a few
command lines, formats its help; builds an email message with a
non-ASCII header and an attachment, serialises and parses it back."""
import argparse
import email.policy
from email.message import EmailMessage
from email.parser import BytesParser


def make_parser():
    p = argparse.ArgumentParser(prog='mailer', description='Send reports by mail.')
    p.add_argument('-v', '--verbose', action='count', default=0)
    p.add_argument('--limit', type=int, default=10, help='at most %(default)s items')
    g = p.add_mutually_exclusive_group()
    g.add_argument('--html', action='store_true')
    g.add_argument('--text', action='store_true')
    sub = p.add_subparsers(dest='cmd', required=True)
    send = sub.add_parser('send', help='send a report')
    send.add_argument('to', nargs='+')
    send.add_argument('--subject', default='Report')
    send.add_argument('--attach', action='append', default=[])
    show = sub.add_parser('show', help='show a report')
    show.add_argument('name', choices=['daily', 'weekly'])
    return p


def make_message(args):
    msg = EmailMessage()
    msg['From'] = 'R\u00e9mi Example <remi@example.org>'
    msg['To'] = ', '.join(args.to)
    msg['Subject'] = args.subject + ' \u2014 r\u00e9sum\u00e9 of the week'
    msg.set_content('Hello,\n\n' + 'The numbers are in.\n' * 20)
    msg.add_alternative('<p>The numbers are <b>in</b>.</p>', subtype='html')
    for name in args.attach:
        msg.add_attachment(('%s,1,2,3\n' % name).encode() * 30, maintype='text',
                           subtype='csv', filename=name)
    return msg


def main():
    parser = make_parser()
    runs = [['-vv', '--limit', '3', 'send', 'a@example.org', 'b@example.org',
             '--attach', 'x.csv', '--attach', 'y.csv'],
            ['--html', 'show', 'weekly'],
            ['send', 'c@example.org', '--subject', 'Numbers']]
    for argv in runs:
        args = parser.parse_args(argv)
        if args.cmd == 'send':
            raw = make_message(args).as_bytes(policy=email.policy.SMTP)
            back = BytesParser(policy=email.policy.default).parsebytes(raw)
            print(back['subject'], len(list(back.iter_attachments())))
    print(len(parser.format_help()))


main()
