package creds

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"time"

	"github.com/mfpscan/mfpscan/collectors"
	"github.com/mfpscan/mfpscan/facts"
)

// anonymousPassword is the customary e-mail-style password for anonymous
// FTP; it is not a secret, but it is not recorded either.
const anonymousPassword = "mfpscan@"

// ftpConn reads replies through ParseFTPReply with a capped buffer.
type ftpConn struct {
	c   net.Conn
	r   *bufio.Reader
	buf []byte
}

// reply reads the next complete reply. Reading stops at maxFTPReplyBytes, so
// a server sending an endless line or endless continuation lines costs a
// bounded amount.
func (f *ftpConn) reply() (FTPReply, error) {
	for {
		rep, n, err := ParseFTPReply(f.buf)
		switch {
		case err == nil:
			f.buf = f.buf[n:]
			return rep, nil
		case !errors.Is(err, ErrIncomplete):
			return FTPReply{}, fmt.Errorf("parse ftp reply: %w", err)
		}
		chunk := make([]byte, 1024)
		m, rerr := f.r.Read(chunk)
		f.buf = append(f.buf, chunk[:m]...)
		if rerr != nil && m == 0 {
			return FTPReply{}, fmt.Errorf("read ftp reply: %w", rerr)
		}
	}
}

func (f *ftpConn) send(cmd string) error {
	if _, err := io.WriteString(f.c, cmd+"\r\n"); err != nil {
		// The command is not named: one of them carries a password.
		return fmt.Errorf("write ftp command: %w", err)
	}
	return nil
}

// tryFTP logs in as anonymous once: USER, PASS if asked, then QUIT. It never
// lists, retrieves or stores anything.
func tryFTP(ctx context.Context, env *collectors.Env, addr netip.Addr, port int) facts.CredentialCheck {
	check := facts.CredentialCheck{Account: AccountFTPAnonymous, Port: port}
	ctx, cancel := context.WithTimeout(ctx, env.Timeout())
	defer cancel()
	conn, err := env.Dialer.DialContext(ctx, "tcp", net.JoinHostPort(addr.String(), strconv.Itoa(port)))
	if err != nil {
		check.Status, check.Reason = classifyErr(err)
		return check
	}
	defer conn.Close()
	// One deadline for the whole exchange; the context's cancellation also
	// unblocks reads through it.
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	f := &ftpConn{c: conn, r: bufio.NewReaderSize(conn, 1024)}
	accepted, reason, err := ftpLogin(f)
	if err != nil {
		check.Status, check.Reason = classifyErr(err)
		return check
	}
	check.Status, check.Reason = facts.StatusOK, reason
	check.Accepted = accepted
	if accepted == nil {
		check.Status = facts.StatusError
	}
	// QUIT is courtesy: the verdict is already in.
	if f.send("QUIT") == nil {
		_, _ = f.reply()
	}
	return check
}

// ftpLogin runs the greeting, USER and PASS steps. accepted is nil when the
// server's replies fit neither acceptance nor refusal.
func ftpLogin(f *ftpConn) (accepted *bool, reason string, err error) {
	greet, err := f.reply()
	if err != nil {
		return nil, "", err
	}
	if greet.Code != 220 {
		return nil, "ftp greeting " + strconv.Itoa(greet.Code), nil
	}
	if err := f.send("USER anonymous"); err != nil {
		return nil, "", err
	}
	user, err := f.reply()
	if err != nil {
		return nil, "", err
	}
	switch {
	case user.Code == 230:
		return facts.Bool(true), "ftp 230 after USER (no password asked)", nil
	case user.Code == 331 || user.Code == 332:
	case user.Code >= 500:
		return facts.Bool(false), "ftp " + strconv.Itoa(user.Code) + " after USER", nil
	default:
		return nil, "unexpected ftp " + strconv.Itoa(user.Code) + " after USER", nil
	}
	if err := f.send("PASS " + anonymousPassword); err != nil {
		return nil, "", err
	}
	pass, err := f.reply()
	if err != nil {
		return nil, "", err
	}
	switch {
	case pass.Code == 230 || pass.Code == 202:
		return facts.Bool(true), "ftp " + strconv.Itoa(pass.Code) + " after PASS", nil
	case pass.Code == 332 || pass.Code >= 500:
		return facts.Bool(false), "ftp " + strconv.Itoa(pass.Code) + " after PASS", nil
	}
	return nil, "unexpected ftp " + strconv.Itoa(pass.Code) + " after PASS", nil
}
