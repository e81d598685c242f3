/**
 * The camera sources' codecs against published vectors and vendor samples: WS-Security PasswordDigest (ONVIF
 * Application Programmer's Guide §6.1.1.3), HTTP Digest (RFC 7616 §3.9.1, MD5), the bounded XML reader, the
 * multipart reader (split anywhere), ISAPI alerts, ONVIF notifications and motion schedules.
 */
import { describe, expect, it } from 'vitest';
import { parseAlert } from '../../electron/hub/sources/isapi/alert';
import { inSchedule } from '../../electron/hub/sources/isapi/camera';
import { digestAuthorization, parseChallenge } from '../../electron/common/digest';
import { MultipartReader, boundaryOf, type Part } from '../../electron/hub/sources/isapi/multipart';
import { parseXml, XmlError } from '../../electron/common/xml';
import { parseNotification, topicPath } from '../../electron/hub/sources/onvif/events';
import { passwordDigest } from '../../electron/hub/sources/onvif/wsse';
import { PUBLISHED_WSSE_VECTOR, wsseDigest } from '../simulators/onvif-device';

describe('WS-UsernameToken PasswordDigest', () => {
  it('gives the ONVIF Programmer’s Guide vector', () => {
    const v = PUBLISHED_WSSE_VECTOR;
    expect(passwordDigest(Buffer.from(v.nonce, 'base64'), v.created, v.password)).toBe(v.digest);
    expect(wsseDigest(v.nonce, v.created, v.password)).toBe(v.digest);
    expect(passwordDigest(Buffer.from(v.nonce, 'base64'), v.created, 'other')).not.toBe(v.digest);
  });
});

describe('HTTP Digest', () => {
  it('answers RFC 7616 §3.9.1 (MD5, qop=auth) with the published response', () => {
    const c = parseChallenge(
      'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    );
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    const h = digestAuthorization(
      c.challenge,
      'Mufasa',
      'Circle of Life',
      'GET',
      '/dir/index.html',
      1,
      'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
    );
    expect(h).toContain('response="8ca523f5e9506fed4657c9700eebdbec"');
    expect(h).toContain('nc=00000001');
  });

  it('prefers SHA-256 when offered beside MD5 and explains a Basic-only device', () => {
    const both = parseChallenge([
      'Digest realm="r", nonce="n", qop="auth"',
      'Digest realm="r", nonce="n", qop="auth", algorithm=SHA-256',
    ]);
    expect(both.ok && both.challenge.algorithm).toBe('SHA-256');
    const basic = parseChallenge('Basic realm="cam"');
    expect(basic).toMatchObject({ ok: false, basic: true });
  });
});

describe('bounded XML reader', () => {
  it('reads local names whatever the prefix, attributes, entities and CDATA', () => {
    const x = parseXml(
      '<?xml version="1.0"?><a:Root xmlns:a="u"><a:b Name="x&amp;y">1 &lt; 2</a:b><c><![CDATA[<raw>&amp;]]></c></a:Root>',
    );
    expect(x.name).toBe('Root');
    expect(x.children[0]).toMatchObject({ name: 'b', attrs: { Name: 'x&y' }, text: '1 < 2' });
    expect(x.children[1]?.text).toBe('<raw>&amp;');
  });
  it.each([
    ['<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', /DOCTYPE/],
    ['<a><b></a>', /mismatched/],
    ['<a>'.repeat(50) + '</a>'.repeat(50), /deeper/],
    ['<a/><b/>', /more than one root/],
    ['', /no root/],
  ])('refuses %s', (xml, why) => {
    expect(() => parseXml(xml)).toThrow(XmlError);
    expect(() => parseXml(xml)).toThrow(why);
  });
});

describe('multipart reader', () => {
  const stream =
    '--boundary\r\nContent-Type: application/xml\r\nContent-Length: 5\r\n\r\n<a/>\n\r\n' +
    '-- boundary\r\nContent-Type: text/plain\r\n\r\nCode=VideoMotion;action=Start;index=0\r\n' +
    '--boundary\r\nContent-Type: text/plain\r\n\r\nHeartbeat\r\n--boundary\r\n';
  it('gives the same parts however the bytes are split', () => {
    for (const size of [1, 2, 3, 7, 64, stream.length]) {
      const parts: Part[] = [];
      const r = new MultipartReader('boundary', 1024, {
        part: (p) => parts.push(p),
        refused: () => undefined,
      });
      for (let i = 0; i < stream.length; i += size) r.push(Buffer.from(stream.slice(i, i + size)));
      expect(
        parts.map((p) => p.body.toString()),
        `split ${size}`,
      ).toEqual(['<a/>\n', 'Code=VideoMotion;action=Start;index=0', 'Heartbeat']);
    }
  });
  it('skips a part over the limit, holds no more than the limit, and reads on', () => {
    const parts: Part[] = [];
    const refused: string[] = [];
    const r = new MultipartReader('b', 100, {
      part: (p) => parts.push(p),
      refused: (why) => refused.push(why),
    });
    r.push(Buffer.from('--b\r\n\r\n'));
    for (let i = 0; i < 100; i++) r.push(Buffer.alloc(1000, 0x41));
    expect(r.held).toBeLessThan(1200);
    r.push(Buffer.from('\r\n--b\r\nContent-Length: 2\r\n\r\nok\r\n'));
    expect(refused[0]).toMatch(/over 100 bytes/);
    expect(parts.map((p) => p.body.toString())).toEqual(['ok']);
  });
  it('reads the boundary from Content-Type, quoted or with a leading --', () => {
    expect(boundaryOf('multipart/mixed; boundary=boundary')).toBe('boundary');
    expect(boundaryOf('multipart/x-mixed-replace;boundary="--myboundary"')).toBe('myboundary');
    expect(boundaryOf('text/plain')).toBeUndefined();
  });
});

describe('ISAPI alerts', () => {
  it('reads the guide’s sample and treats videoloss inactive as a heartbeat', () => {
    const xml =
      '<EventNotificationAlert version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema"><ipAddress>192.168.1.64</ipAddress><portNo>80</portNo>' +
      '<protocol>HTTP</protocol><macAddress>44:47:cc:11:22:33</macAddress><channelID>1</channelID><dateTime>2024-05-01T12:35:01+08:00</dateTime>' +
      '<activePostCount>1</activePostCount><eventType>VMD</eventType><eventState>active</eventState><eventDescription>Motion alarm</eventDescription></EventNotificationAlert>';
    expect(parseAlert('application/xml', Buffer.from(xml))).toEqual({
      kind: 'event',
      event: {
        kind: 'motion',
        active: true,
        event: 'VMD',
        channel: '1',
        at: Date.parse('2024-05-01T04:35:01Z'),
      },
    });
    const hb = xml.replace('VMD', 'videoloss').replace('>active<', '>inactive<');
    expect(parseAlert('application/xml', Buffer.from(hb))).toEqual({ kind: 'heartbeat' });
    expect(parseAlert('application/xml', Buffer.from('<x/>'))).toMatchObject({ kind: 'refused' });
  });
});

describe('ONVIF notifications', () => {
  const msg = (topic: string, data: string, op = 'Changed') =>
    parseXml(
      `<wsnt:NotificationMessage xmlns:wsnt="w"><wsnt:Topic Dialect="d">${topic}</wsnt:Topic><wsnt:Message><tt:Message xmlns:tt="t" UtcTime="2024-05-25T23:59:38Z" PropertyOperation="${op}">` +
        `<tt:Source><tt:SimpleItem Name="VideoSourceConfigurationToken" Value="VideoSourceToken"/><tt:SimpleItem Name="Rule" Value="MyMotionDetectorRule"/></tt:Source>` +
        `<tt:Data>${data}</tt:Data></tt:Message></wsnt:Message></wsnt:NotificationMessage>`,
    );
  it('maps the guide’s Hikvision capture and each topic', () => {
    expect(
      parseNotification(
        msg(
          'tns1:RuleEngine/CellMotionDetector/Motion',
          '<tt:SimpleItem Name="IsMotion" Value="false"/>',
          'Initialized',
        ),
      ),
    ).toEqual({
      kind: 'event',
      event: {
        kind: 'motion',
        active: false,
        event: 'tns1:RuleEngine/CellMotionDetector/Motion',
        channel: 'VideoSourceToken',
        rule: 'MyMotionDetectorRule',
        at: Date.parse('2024-05-25T23:59:38Z'),
        sync: true,
      },
    });
    const kinds = [
      ['tns1:VideoSource/MotionAlarm', 'State', 'motion'],
      ['tns1:RuleEngine/FieldDetector/ObjectsInside', 'IsInside', 'field'],
      ['tns1:VideoSource/GlobalSceneChange/ImagingService', 'State', 'tamper'],
      ['tns1:RuleEngine/TamperDetector/Tamper', 'IsTamper', 'tamper'],
      ['tns1:VideoSource/SignalLoss', 'State', 'videoloss'],
    ] as const;
    for (const [topic, item, kind] of kinds) {
      expect(parseNotification(msg(topic, `<tt:SimpleItem Name="${item}" Value="true"/>`))).toMatchObject({
        kind: 'event',
        event: { kind, active: true },
      });
    }
    expect(
      parseNotification(
        msg('tns1:RuleEngine/LineDetector/Crossed', '<tt:SimpleItem Name="ObjectId" Value="7"/>'),
      ),
    ).toMatchObject({
      event: { kind: 'line', active: 'pulse' },
    });
    expect(parseNotification(msg('tns1:Device/HardwareFailure/FanFailure', ''))).toMatchObject({
      kind: 'ignored',
    });
    expect(
      parseNotification(msg('tns1:VideoSource/MotionAlarm', '<tt:SimpleItem Name="State" Value="maybe"/>')),
    ).toMatchObject({ kind: 'refused' });
    expect(topicPath('tns1:RuleEngine/x:LineDetector/Crossed')).toBe('RuleEngine/LineDetector/Crossed');
  });
});

describe('motion schedule', () => {
  const at = Date.parse('2026-12-01T15:30:00Z'); // Tuesday 23:30 in Shanghai
  it('reads ranges in the site’s time zone, over midnight, by weekday', () => {
    expect(inSchedule([{ from: '22:00', to: '06:00' }], at, 'Asia/Shanghai')).toBe(true);
    expect(inSchedule([{ from: '22:00', to: '06:00' }], at, 'UTC')).toBe(false);
    expect(inSchedule([{ from: '23:00', to: '23:59', days: [2] }], at, 'Asia/Shanghai')).toBe(true);
    expect(inSchedule([{ from: '23:00', to: '23:59', days: [3] }], at, 'Asia/Shanghai')).toBe(false);
    // 01:00 Wednesday belongs to Tuesday's 22:00–06:00 range.
    expect(inSchedule([{ from: '22:00', to: '06:00', days: [2] }], at + 90 * 60_000, 'Asia/Shanghai')).toBe(
      true,
    );
  });
});
