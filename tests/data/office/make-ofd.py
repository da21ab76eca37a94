#!/usr/bin/env python3
"""make-ofd: writes notice.ofd, an OFD file (GB/T 33190-2016) of a two-page
notice, the way exporters write them (no office suite here writes OFD):

- text in many TextObjects, each with its Boundary (x y w h, mm), Font,
  Size and one or more TextCodes whose X/Y are relative to the Boundary and
  whose DeltaX gives the advance of every character (with the "g N d"
  shorthand); the document number comes in pieces (工信部 装 函 〔 20 21 〕
  218 号), the title is centred on two lines, body paragraphs are indented
  two characters and wrap at the right margin, a Latin phrase comes as
  three pieces with gaps (Intelligent Connected Vehicle);
- a table drawn as boxes (PathObjects) with a TextObject in each cell;
- page numbers (— 1 —) at the foot of each page; a template page with the
  disclosure line, used by page 2;
- paths that readers must forgive: page 1 in a folder named "P&1 first"
  (an '&' and a space, not Page_N), page 2 named from the package root
  (/Doc_0/...), the template relative to the package root instead of to
  Document.xml;
- a signature, an annotation (its text must not be read) and an
  attachment list, which a reader ignores.

Also writes notice-ofd.txt, the same notice as plain text, for comparing
the fields gongwen finds in each. Run: python3 make-ofd.py (in this
folder). Deterministic: the ZIP entries have a fixed date.
"""
import zipfile

NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'
BODY = 5.6444   # 三号, 16 pt, in mm
TITLE = 7.7611  # 二号, 22 pt
LEFT, RIGHT = 28.0, 184.0  # text area: 156 mm, 27 characters of BODY
ids = [100]


def nid():
    ids[0] += 1
    return ids[0]


def cjk(c):
    return ord(c) >= 0x2E80


def advance(c, size):
    return size if cjk(c) else size * 0.5


def deltax(text, size):
    """The DeltaX list of text, with runs of equal advances as "g N d"."""
    adv = ['%g' % round(advance(c, size), 4) for c in text[:-1]]
    out, i = [], 0
    while i < len(adv):
        j = i
        while j < len(adv) and adv[j] == adv[i]:
            j += 1
        out.append('g %d %s' % (j - i, adv[i]) if j - i > 2 else ' '.join(adv[i:j]))
        i = j
    return ' '.join(out)


def text_obj(x, y, text, size=BODY, font=3):
    """A TextObject whose first character's baseline starts at (x, y)."""
    w = sum(advance(c, size) for c in text)
    top = y - size  # the Boundary's box holds the line
    dx = deltax(text, size)
    dxa = ' DeltaX="%s"' % dx if dx else ''
    return ('<ofd:TextObject ID="%d" Boundary="%.4f %.4f %.4f %.4f" Font="%d" Size="%.4f">'
            '<ofd:FillColor Value="0 0 0"/>'
            '<ofd:TextCode X="0" Y="%.4f"%s>%s</ofd:TextCode></ofd:TextObject>'
            % (nid(), x, top, w + 1, size * 1.3, font, size, size, dxa,
               text.replace('&', '&amp;').replace('<', '&lt;')))


def pieces(x, y, parts, size=BODY, gap=0.0):
    """Consecutive pieces, each its own TextObject, gap mm between them."""
    out = []
    for p in parts:
        out.append(text_obj(x, y, p, size))
        x += sum(advance(c, size) for c in p) + gap
    return out


def centred(y, text, size):
    w = sum(advance(c, size) for c in text)
    return text_obj((LEFT + RIGHT - w) / 2, y, text, size)


def paragraph(y, text, size=BODY):
    """A paragraph indented two characters, wrapped at RIGHT; returns the
    objects and the y of the next line."""
    out, line, x0 = [], '', LEFT + 2 * size
    for c in text:
        if x0 + sum(advance(k, size) for k in line + c) > RIGHT + 0.01:
            out.append(text_obj(x0, y, line, size))
            y += size * 1.75
            line, x0 = '', LEFT
        line += c
    if line:
        out.append(text_obj(x0, y, line, size))
    return out, y + size * 1.75


def box(x, y, w, h):
    return ('<ofd:PathObject ID="%d" Boundary="%.4f %.4f %.4f %.4f" LineWidth="0.25">'
            '<ofd:AbbreviatedData>M 0 0 L %.4f 0 L %.4f %.4f L 0 %.4f C</ofd:AbbreviatedData>'
            '</ofd:PathObject>' % (nid(), x, y, w, h, w, w, h, h))


def page(objs, template=None):
    tpl = '<ofd:Template TemplateID="%s" ZOrder="Background"/>' % template if template else ''
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Page %s>%s<ofd:Content>'
            '<ofd:Layer ID="%d">%s</ofd:Layer></ofd:Content></ofd:Page>'
            % (NS, tpl, nid(), ''.join(objs)))


TITLE1 = '工业和信息化部装备工业一司关于开展智能网联'
TITLE2 = '汽车道路测试管理规范实施情况评估的函'
ADDR = '各省、自治区、直辖市工业和信息化主管部门：'
P1 = ('为做好智能网联汽车道路测试与示范应用管理工作，我司将组织开展管理规范实施情况评估。'
      '评估聚焦车联网（C-V2X）直连通信、自动驾驶功能测试和数据安全等内容，请各地按要求'
      '准备材料。')
P3 = '请于2021年9月30日前将评估材料报送装备工业一司，联系人：王强，电话：010-68205555。'
CAPTION = '首批评估城市名单'
ROWS = [['序号', '城市', '测试道路（公里）'],
        ['1', '北京', '1027'],
        ['2', '上海', '615'],
        ['3', '长沙', '135']]
ISSUER = '工业和信息化部装备工业一司'
DATE = '2021年8月3日'
DISCLOSURE = '（此件公开发布）'


def page1():
    objs, y = [], 60.0
    objs.append(centred(y, TITLE1, TITLE))
    y += TITLE * 1.6
    objs.append(centred(y, TITLE2, TITLE))
    y += TITLE * 1.8
    # the number, as exporters cut it: 工信部装函〔2021〕218号
    parts = ['工信部', '装', '函', '〔', '20', '21', '〕', '218', '号']
    w = sum(advance(c, BODY) for p in parts for c in p)
    objs += pieces((LEFT + RIGHT - w) / 2, y, parts)
    y += BODY * 2.5
    objs.append(text_obj(LEFT, y, ADDR))
    y += BODY * 1.75
    o, y = paragraph(y, P1)
    objs += o
    # a paragraph with a Latin phrase in three pieces, one space apart
    x = LEFT + 2 * BODY
    objs.append(text_obj(x, y, '二、评估依据《', BODY))
    x += 7 * BODY
    objs += pieces(x, y, ['Intelligent', 'Connected', 'Vehicle'], BODY, gap=BODY * 0.5)
    x += sum(advance(c, BODY) for c in 'IntelligentConnectedVehicle') + BODY
    objs.append(text_obj(x, y, '》测试规程。', BODY))
    y += BODY * 1.75
    o, y = paragraph(y, P3)
    objs += o
    objs.append(centred(275.0, '— 1 —', BODY * 0.8))
    return page(objs)


def page2():
    objs, y = [], 40.0
    objs.append(text_obj(LEFT, y, '附件：' + CAPTION))
    y += BODY * 3
    objs.append(text_obj(LEFT + 6 * BODY, y, ISSUER))
    y += BODY * 1.75
    objs.append(text_obj(LEFT + 9 * BODY, y, DATE))
    y += BODY * 3
    objs.append(centred(y, CAPTION, BODY))
    y += BODY * 1.5
    widths = [20.0, 50.0, 60.0]
    for r, row in enumerate(ROWS):
        x = LEFT + 13
        for c, cell in enumerate(row):
            objs.append(box(x, y, widths[c], BODY * 1.8))
            objs.append(text_obj(x + 2, y + BODY * 1.4, cell))
            x += widths[c]
        y += BODY * 1.8
    objs.append(centred(275.0, '— 2 —', BODY * 0.8))
    return page(objs, template='3')


def template():
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Page %s><ofd:Content><ofd:Layer ID="%d">'
            '%s</ofd:Layer></ofd:Content></ofd:Page>'
            % (NS, nid(), text_obj(LEFT, 262.0, DISCLOSURE)))


def main():
    files = {
        'OFD.xml': '<?xml version="1.0" encoding="UTF-8"?>\n<ofd:OFD %s Version="1.0" DocType="OFD">'
                   '<ofd:DocBody><ofd:DocInfo><ofd:DocID>6f1ad2c07e6e4d3c9b1a0c5e8d2f4a10</ofd:DocID>'
                   '<ofd:Title>关于开展评估的函</ofd:Title><ofd:CreationDate>2021-08-03</ofd:CreationDate>'
                   '<ofd:Creator>gongwen make-ofd.py</ofd:Creator></ofd:DocInfo>'
                   '<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>'
                   '<ofd:Signatures>Doc_0/Signs/Signatures.xml</ofd:Signatures></ofd:DocBody></ofd:OFD>' % NS,
        'Doc_0/Document.xml': '<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Document %s><ofd:CommonData>'
                              '<ofd:MaxUnitID>999</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297'
                              '</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>'
                              '<ofd:TemplatePage ID="3" BaseLoc="Doc_0/Tpls/Tpl_0/Content.xml"/>'
                              '</ofd:CommonData><ofd:Pages>'
                              '<ofd:Page ID="1" BaseLoc="Pages/P&amp;1 first/Content.xml"/>'
                              '<ofd:Page ID="2" BaseLoc="/Doc_0/Pages/Page_1/Content.xml"/>'
                              '</ofd:Pages><ofd:Annotations>Annots/Annotations.xml</ofd:Annotations>'
                              '<ofd:Attachments>Attachs/Attachments.xml</ofd:Attachments>'
                              '</ofd:Document>' % NS,
        'Doc_0/PublicRes.xml': '<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Res %s BaseLoc="Res"><ofd:Fonts>'
                               '<ofd:Font ID="3" FontName="仿宋_GB2312" FamilyName="仿宋"/></ofd:Fonts></ofd:Res>' % NS,
        'Doc_0/Pages/P&1 first/Content.xml': page1(),
        'Doc_0/Pages/Page_1/Content.xml': page2(),
        'Doc_0/Tpls/Tpl_0/Content.xml': template(),
        'Doc_0/Annots/Annotations.xml': '<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Annotations %s>'
                                        '<ofd:Page PageID="1"><ofd:FileLoc>Page_0/Annotation.xml</ofd:FileLoc>'
                                        '</ofd:Page></ofd:Annotations>' % NS,
        'Doc_0/Annots/Page_0/Annotation.xml': ('<?xml version="1.0" encoding="UTF-8"?>\n<ofd:PageAnnot %s>'
                                               '<ofd:Annot ID="900" Type="Stamp"><ofd:Appearance>' % NS
                                               + text_obj(120, 200, '批注文字不应索引') +
                                               '</ofd:Appearance></ofd:Annot></ofd:PageAnnot>'),
        'Doc_0/Attachs/Attachments.xml': '<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Attachments %s/>' % NS,
        'Doc_0/Signs/Signatures.xml': '<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Signatures %s>'
                                      '<ofd:Signature ID="1" BaseLoc="Sign_0/Signature.xml"/></ofd:Signatures>' % NS,
        'Doc_0/Signs/Sign_0/Signature.xml': '<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Signature %s>'
                                            '<ofd:SignedInfo><ofd:Provider ProviderName="test"/>'
                                            '</ofd:SignedInfo><ofd:SignedValue>SignedValue.dat'
                                            '</ofd:SignedValue></ofd:Signature>' % NS,
        'Doc_0/Signs/Sign_0/SignedValue.dat': 'not a real signature',
    }
    with zipfile.ZipFile('notice.ofd', 'w', zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            zi = zipfile.ZipInfo(name, (2021, 8, 3, 9, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, data)
    twin = [TITLE1, TITLE2, '工信部装函〔2021〕218号', ADDR, P1,
            '二、评估依据《Intelligent Connected Vehicle》测试规程。', P3,
            '附件：' + CAPTION, ISSUER, DATE, CAPTION]
    twin += [' | '.join(r) for r in ROWS]
    twin += [DISCLOSURE]
    with open('notice-ofd.txt', 'w', encoding='utf-8') as f:
        f.write('\n'.join(twin) + '\n')


if __name__ == '__main__':
    main()
